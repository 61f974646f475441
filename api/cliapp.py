"""The shared pieces of the `credtrace` command line: the app, options, store handling.

Commands live in `api/cmd_*.py`, each registering on `app`; `api/cli.py` gathers them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from graph import Store, StoreError, open_store
from ingest import BundleError
from queries.common import QueryError

app = typer.Typer(help="credtrace: graph-based association analysis for accountability tracing.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

StoreOpt = Annotated[str | None, typer.Option(
    "--store", envvar="CREDTRACE_STORE",
    help="memory:PATH (default memory:./credtrace-data) or a neo4j:// / bolt:// URI")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="answer as of this date (ISO)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the answer as JSON")]


@contextmanager
def store_from(spec: str | None) -> Iterator[Store]:
    """Open the store, turning configuration and query errors into clean exits."""
    try:
        store = open_store(spec)
    except StoreError as exc:
        err.print(f"[red]store error:[/] {exc}")
        raise typer.Exit(2) from None
    try:
        yield store
        store.flush()
    except (QueryError, BundleError, StoreError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        store.close()


def print_json(data: Any) -> None:
    """Print an answer as JSON (UTF-8, Chinese unescaped)."""
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))

"""What the commands of the `credtrace` command line share: options, settings, the store,
and how answers are shown (masked, JSON; tables are `api.cli.tables`, the options of the
verbs that answer questions `api.cli.answering`).

The CLI runs as the local administrator, so `--reveal-ids` may show ID numbers; without it
every table and `--json` answer masks them like the API does (`queries.privacy`: the same
tokens as the service when `CREDTRACE_MASK_KEY` is set).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from credtrace.graph import Store, StoreError, open_store
from credtrace.ingest.errors import BundleError
from credtrace.queries.common import QueryError
from credtrace.queries.privacy import redact

if TYPE_CHECKING:
    from credtrace.api.securitydb import SecurityDB
    from credtrace.api.settings import ApiSettings
    from credtrace.graph.limits import Limits
    from credtrace.graph.settings import Settings

T = TypeVar("T")
S = TypeVar("S", bound="Settings")

console = Console()
err = Console(stderr=True)

StoreOpt = Annotated[str | None, typer.Option(
    "--store", envvar="CREDTRACE_STORE",
    help="memory:PATH (default memory:./credtrace-data) or a neo4j:// / bolt:// URI")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="answer as of this date (ISO)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the answer as JSON")]
RevealOpt = Annotated[bool, typer.Option(
    "--reveal-ids", help="show ID numbers in full (masked by default, as for the API's "
                         "masking roles)")]
UsccArg = Annotated[str, typer.Argument(help="the enterprise's USCC")]


def load_settings(**overrides: Any) -> ApiSettings:
    """The service settings from the environment, with command-line overrides; a clean exit
    naming the setting when they are invalid (e.g. a placeholder secret)."""
    from credtrace.api.settings import ApiSettings

    return _validated(ApiSettings, overrides)


def load_limits(**overrides: Any) -> Limits:
    """The request limits the queries are given: the store settings' (``CREDTRACE_MAX_*``)
    with command-line overrides (e.g. ``max_nodes``); a clean exit when they are invalid.
    With none set, the defaults, without loading the settings (a quick query)."""
    from credtrace.graph.limits import DEFAULT_LIMITS

    names = {f"CREDTRACE_{field.name}".upper() for field in fields(DEFAULT_LIMITS)}
    if all(v is None for v in overrides.values()) and names.isdisjoint(
            name.upper() for name in os.environ):
        return DEFAULT_LIMITS
    from credtrace.graph.settings import Settings

    return _validated(Settings, overrides).limits


def _validated(kind: type[S], overrides: dict[str, Any]) -> S:
    from pydantic import ValidationError  # pydantic only for the verbs that need settings

    try:
        return kind(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            err.print(f"[red]invalid setting[/] {where}: {error['msg']}")
        raise typer.Exit(2) from None


def security_db(store: str | None = None) -> SecurityDB:
    """The security database (keys, audit trail, masking key) of the settings."""
    from credtrace.api.securitydb import SecurityDB

    return SecurityDB(load_settings(store=store).security_path)


def mask_key() -> bytes:
    """The API's masking key: `CREDTRACE_MASK_KEY`, else the one kept in the security
    database (drawn there once), so tokens are the same in every run and in the API."""
    from credtrace.api.securitydb import SecurityDB

    settings = load_settings()
    return settings.mask_key_bytes or SecurityDB(settings.security_path).mask_key()


def shown(answer: T, reveal_ids: bool) -> T:
    """`answer` as the CLI prints it: person ids masked unless `--reveal-ids`."""
    return answer if reveal_ids else redact(answer, reveal_ids=False, key=mask_key())


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


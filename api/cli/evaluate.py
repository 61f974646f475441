"""CLI: the city-wide evaluation run (`evaluate`): every enterprise's score and grade on a
date, written as JSON lines / CSV / xlsx with the change since a previous run, and the
run's record (`run.json`: counts, content hash, files and their SHA-256)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credtrace.api.cli.common import AsOfOpt, StoreOpt, err, print_json, store_from
from credtrace.api.evaluation_run import STEM, run_evaluation
from credtrace.api.result_files import FORMATS

#: Progress on stderr every this many enterprises.
EVERY = 1000


def _progress(count: int) -> None:
    if count % EVERY == 0:
        err.print(f"evaluated {count:,}")


def evaluate(
    out: Annotated[Path, typer.Option("--out", help="folder for the results and run.json")],
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="folder of an earlier run, to report grade changes")] = None,
    formats: Annotated[list[str] | None, typer.Option(
        "--format", help="jsonl, csv, xlsx (repeat; default all three)")] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Score and grade every enterprise as of a date (公共信用综合评价), streaming; write the
    results with the main contributions and the change since --previous, and run.json."""
    chosen = formats or list(FORMATS)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        err.print(f"[red]unknown format[/] {', '.join(unknown)} (one of {', '.join(FORMATS)})")
        raise typer.Exit(2)
    if previous is not None:
        if not (previous / f"{STEM}.jsonl").is_file():
            err.print(f"[red]no earlier run[/]: {previous / f'{STEM}.jsonl'} is missing")
            raise typer.Exit(2)
        if previous.resolve() == out.resolve():
            err.print("[red]--previous and --out must be different folders[/]")
            raise typer.Exit(2)
    with store_from(store) as db:
        record = run_evaluation(db, as_of=as_of, out=out, previous=previous, formats=chosen,
                                progress=_progress)
    print_json(record)

"""The `credtrace` command line: ingest, generate, query and the demo main job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from graph import Store, StoreError, open_store
from ingest import BundleError, IngestReport, bundle_size, ingest_bundle
from queries.accountability import accountable as accountable_query
from queries.accountability import propagate
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
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def print_report(report: IngestReport) -> None:
    table = Table(title=f"ingest run {report.run_id} ({report.status})")
    for column in ("file", "read", "loaded", "rejected"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for name, counts in report.tables.items():
        table.add_row(name, str(counts.read), str(counts.loaded), str(counts.rejected))
    console.print(table)
    w = report.writes
    console.print(f"writes: {w.created} created, {w.updated} updated, {w.unchanged} unchanged; "
                  f"{report.rejected} rejected rows, {report.warnings} warnings")
    for reject in report.rejects[:10]:
        console.print(f"  {reject.severity}: {reject.file}:{reject.line} {reject.field}="
                      f"{reject.value!r}: {reject.reason}")
    if report.rejects_file:
        console.print(f"all rejects: {report.rejects_file}")


def run_ingest(store: Store, path: Path, rejects: Path | None, quiet: bool = False) -> IngestReport:
    """Ingest a bundle with a progress bar (rate and ETA)."""
    if quiet:
        return ingest_bundle(store, path, rejects_path=rejects)
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows"),
               TextColumn("{task.fields[rate]}"),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("ingest", total=bundle_size(path), rate="")

        def advance(file: str, rows: int) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, advance=rows, description=file,
                       rate=f"{speed:,.0f} rows/s" if speed else "")

        return ingest_bundle(store, path, rejects_path=rejects, progress=advance)


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="a bundle folder (or a BODS / FtM file)")],
    store: StoreOpt = None,
    rejects: Annotated[Path | None, typer.Option(help="CSV file for rejected rows")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate and load data; bad rows are reported, good rows still load."""
    with store_from(store) as db:
        report = run_ingest(db, path, rejects or Path("credtrace-rejects.csv"), quiet=as_json)
    if as_json:
        print_json(report.as_dict())
    else:
        print_report(report)


@app.command()
def accountable(
    uscc: Annotated[str, typer.Argument(help="the enterprise's USCC")],
    measure: Annotated[str | None, typer.Option(help="only this measure")] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """R1: the persons reached by the enterprise's measures, with evidence."""
    with store_from(store) as db:
        answer = accountable_query(db, uscc, measure_id=measure, as_of=as_of)
    if as_json:
        print_json(answer)
        return
    print_accountable(answer)


def print_accountable(answer: dict[str, Any]) -> None:
    ent = answer["enterprise"]
    table = Table(title=f"{ent['name']} ({ent['id']}) — accountable persons, as of "
                        f"{answer['as_of']}")
    for column in ("person", "name", "roles", "measure", "state", "evidence"):
        table.add_column(column)
    for entry in answer["reached"] + answer["uncertain"]:
        chain = " → ".join(step["step"] for step in entry["evidence"])
        status = entry["state"]["status"] + (" (uncertain)" if "reason" in entry else "")
        table.add_row(entry["person"], entry["name"], ", ".join(entry["roles"]),
                      entry["measure"], status, chain)
    console.print(table)
    for entry in answer["uncertain"]:
        console.print(f"  uncertain: {entry['name']}: {entry['reason']}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="folder for the demo's store and outputs")] = Path(
        "demo-out"),
    example: Annotated[Path, typer.Option(help="bundle to load")] = Path("examples/zhengzhou"),
    as_of: AsOfOpt = None,
) -> None:
    """The main job on the embedded store: ingest the example, propagate, print who is
    accountable for each sanctioned enterprise."""
    data = out / "data"
    if data.exists():
        for item in data.iterdir():
            item.unlink()
    with store_from(f"memory:{data}") as db:
        print_report(run_ingest(db, example, out / "rejects.csv", quiet=True))
        for answer in propagate(db, as_of=as_of):
            print_accountable(answer)

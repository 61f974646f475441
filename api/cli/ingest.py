"""CLI: load data (`ingest`) and the main job (`demo`), with the next commands the demo
prints so a newcomer's second command finds its data. ID numbers in what they print are
masked unless `--reveal-ids`."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column

from credtrace.api.cli.common import (
    AsOfOpt,
    JsonOpt,
    RevealOpt,
    StoreOpt,
    console,
    err,
    mask_key,
    print_json,
    shown,
    store_from,
)
from credtrace.api.cli.tables import chain, party, print_table, state
from credtrace.graph import Settings, Store
from credtrace.ingest import FORMATS, IngestReport, ingest_path, source_size
from credtrace.ingest.bulk import Importer, command_importer, default_importer
from credtrace.queries.accountability import AccountableAnswer, propagate
from credtrace.queries.common import Party, as_of_date
from credtrace.viz.demo import DemoResult, write_demo

SHOWN_REJECTS = 5


def bulk_importer() -> Importer:
    """`CREDTRACE_NEO4J_IMPORTER` (a command; the import folder is appended), else the
    repository's `scripts/neo4j-local import`."""
    command = Settings().neo4j_importer
    return command_importer(shlex.split(command)) if command else default_importer()


def print_report(report: IngestReport, reveal_ids: bool = False) -> None:
    print_table(f"ingest run {report.run_id} ({report.status})",
                ("file", *(Column(head, justify="right")
                           for head in ("read", "loaded", "rejected"))),
                ((name, str(counts.read), str(counts.loaded), str(counts.rejected))
                 for name, counts in report.tables.items()))
    w = report.writes
    console.print(f"writes: {w.created} created, {w.updated} updated, {w.unchanged} unchanged; "
                  f"{report.rejected} rejected rows, {report.warnings} warnings")
    for group, count in sorted(report.by_kind.items(), key=lambda item: (-item[1], item[0])):
        console.print(f"  {count:>7,}  {group}")
    # each line beside its field, so a person key (person_id, person) is masked in it too
    lines = shown([{reject.field: reject.value,
                    "line": f"  {reject.severity}: {reject.file}:{reject.line} {reject.field}="
                            f"{reject.value!r}: {reject.reason}"}
                   for reject in report.rejects[:SHOWN_REJECTS]], reveal_ids)
    for line in lines:
        console.print(line["line"])
    hidden = report.rejected + report.warnings - len(lines)
    if hidden > 0:
        console.print(f"  … and {hidden} more")
    if report.rejects_file:
        console.print(f"all rejects: {report.rejects_file}")


def run_ingest(store: Store, path: Path, rejects: Path | None, quiet: bool = False,
               format: str | None = None, bulk: Importer | None = None) -> IngestReport:
    """Ingest a bundle, BODS or FtM file with a progress bar (rate and ETA)."""
    if quiet:
        return ingest_path(store, path, format=format, rejects_path=rejects, bulk=bulk)

    def say(done: str) -> None:
        err.print(f"[dim]{done}[/]")

    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows"),
               TextColumn("{task.fields[rate]}"),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("ingest", total=source_size(path, format), rate="")

        def advance(file: str, rows: int) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, advance=rows, description=file,
                       rate=f"{speed:,.0f} rows/s" if speed else "")

        return ingest_path(store, path, format=format, rejects_path=rejects, progress=advance,
                           bulk=bulk, say=say)


def ingest(
    path: Annotated[Path, typer.Argument(help="a bundle folder (or a BODS / FtM file)")],
    store: StoreOpt = None,
    rejects: Annotated[Path | None, typer.Option(help="CSV file for rejected rows")] = None,
    format: Annotated[str | None, typer.Option(
        "--format", help=f"{' | '.join(FORMATS)}; detected from the path when omitted")] = None,
    bulk: Annotated[bool, typer.Option(
        "--bulk", help="first load into an EMPTY Neo4j database through the offline importer "
                       "(neo4j-admin; the server restarts): much faster for large sources")
    ] = False,
    as_json: JsonOpt = False,
    reveal_ids: RevealOpt = False,
) -> None:
    """Validate and load data; bad rows are reported, good rows still load."""
    with store_from(store) as db:
        importer = bulk_importer() if bulk else None
        report = run_ingest(db, path, rejects or Path("credtrace-rejects.csv"), quiet=as_json,
                            format=format, bulk=importer)
    if as_json:
        print_json(shown(report.as_dict(), reveal_ids))
    else:
        print_report(report, reveal_ids)


def demo(
    out: Annotated[Path, typer.Option(help="folder for the demo's store and outputs")] = Path(
        "demo-out"),
    example: Annotated[Path, typer.Option(help="bundle to load")] = Path("examples/zhengzhou"),
    as_of: AsOfOpt = None,
    reveal_ids: RevealOpt = False,
) -> None:
    """The main job on the embedded store: ingest the example, propagate, print who is
    accountable for each sanctioned enterprise, write the report and the network pages of
    the main sanctioned enterprise into --out."""
    data = out / "data"
    if data.exists():
        for item in data.iterdir():
            item.unlink()
    with store_from(f"memory:{data}") as db:
        print_report(run_ingest(db, example, out / "rejects.csv", quiet=True), reveal_ids)
        answers = propagate(db, as_of=as_of)
        print_propagation(shown(answers, reveal_ids), as_of_date(as_of))
        result = write_demo(db, out, answers, as_of=as_of, reveal_ids=reveal_ids,
                            mask_key=mask_key())
    print_demo(result)
    console.print("next, on the demo's store:")
    for line in next_commands(f"memory:{data}", result.main):
        print("  " + line)


def print_propagation(answers: list[AccountableAnswer], as_of: str) -> None:
    """R1 over the graph in one table: each sanctioned enterprise, measure and person."""
    print_table(f"accountable persons (R1), as of {as_of}",
                ("enterprise", "measure", "state on date", "person", "roles", "evidence"),
                ((answer["enterprise"]["name"], entry["measure"], state(entry), entry["name"],
                  ", ".join(entry["roles"]), chain(entry["evidence"][2:-1]))
                 for answer in answers for entry in answer["reached"] + answer["uncertain"]))


def print_demo(result: DemoResult) -> None:
    """What the demo found (alerts, the main sanctioned enterprise) and the files written."""
    console.print("R4 alerts: " + ", ".join(f"{n} {k.replace('_', ' ')}"
                                            for k, n in result.alerts.items()))
    if result.main is None:
        console.print("no enterprise measure reaches persons: no pictures written")
        return
    print_table(f"{party(result.main)}: report and pictures",
                ("what", Column("path", overflow="fold")),
                ((output.what, str(output.path)) for output in result.outputs))


def next_commands(store: str, main: Party | None) -> list[str]:
    """Commands to try on the demo's store, which they name (`--store`).

    >>> next_commands("memory:demo-out/data", {"id": "914101057123456728", "name": "华信"})[0]
    "credtrace search '华信' --store memory:demo-out/data"
    """
    spec = shlex.quote(store)
    if main is None:
        return [f"credtrace search 郑州 --store {spec}", f"credtrace ui --store {spec}"]
    uscc = shlex.quote(main["id"])
    return [f"credtrace search {shlex.quote(main['name'])} --store {spec}",
            f"credtrace check {uscc} --scenario procurement --store {spec}",
            f"credtrace accountable {uscc} --store {spec}",
            f"credtrace ui --store {spec}"]

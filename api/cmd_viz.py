"""CLI: interactive network pages (`viz ego|accountability|ownership|path`), the analyst's
report (`report`) and exports (`export`). ID numbers are masked unless `--reveal-ids`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cliapp import (
    AsOfOpt,
    RevealOpt,
    StoreOpt,
    app,
    console,
    load_limits,
    mask_key,
    store_from,
)
from viz.demo import DemoResult
from viz.export import FORMATS, export
from viz.pages import render_accountability, render_ego, render_ownership, render_path
from viz.report import write_report

viz_app = typer.Typer(help="Interactive network pages (self-contained HTML, work offline).",
                      no_args_is_help=True)
app.add_typer(viz_app, name="viz")

IdArg = Annotated[str, typer.Argument(help="a USCC or a person key")]
UsccArg = Annotated[str, typer.Argument(help="the enterprise's USCC")]
OutFile = Annotated[Path, typer.Option("--out", help="HTML file to write")]
HopsOpt = Annotated[int, typer.Option("--hops", help="relationships away from the party")]
KindsOpt = Annotated[list[str] | None, typer.Option(
    "--kind", help="relationship kind to follow (category, type or role; repeatable)")]
MaxNodesOpt = Annotated[int | None, typer.Option(
    "--max-nodes", help="node cap; beyond it nodes are folded into summary nodes")]


def print_demo(result: DemoResult) -> None:
    """What the demo found (alerts, the main sanctioned enterprise) and the files written."""
    console.print("R4 alerts: " + ", ".join(f"{n} {k.replace('_', ' ')}"
                                            for k, n in result.alerts.items()))
    if result.main is None:
        console.print("no enterprise measure reaches persons: no pictures written")
        return
    table = Table(title=f"{result.main['name']} ({result.main['id']}): report and pictures")
    table.add_column("what")
    table.add_column("path", overflow="fold")
    for output in result.outputs:
        table.add_row(output.what, str(output.path))
    console.print(table)


def write_page(html: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(f"wrote {out}")


@viz_app.command("ego")
def ego(party_id: IdArg, out: OutFile = Path("ego.html"), hops: HopsOpt = 1,
        kind: KindsOpt = None, store: StoreOpt = None, as_of: AsOfOpt = None,
        reveal_ids: RevealOpt = False, max_nodes: MaxNodesOpt = None) -> None:
    """The party's network within --hops, following the chosen relationship kinds."""
    with store_from(store) as db:
        html = render_ego(db, party_id, hops=hops, kinds=kind, as_of=as_of,
                          reveal_ids=reveal_ids, mask_key=mask_key(),
                          limits=load_limits(max_nodes=max_nodes))
    write_page(html, out)


@viz_app.command("accountability")
def accountability(uscc: UsccArg, out: OutFile = Path("accountability.html"),
                   measure: Annotated[str | None, typer.Option(help="only this measure")] = None,
                   store: StoreOpt = None, as_of: AsOfOpt = None, reveal_ids: RevealOpt = False,
                   max_nodes: MaxNodesOpt = None) -> None:
    """A sanctioned enterprise, its measures, the persons reached and the evidence."""
    with store_from(store) as db:
        html = render_accountability(db, uscc, measure_id=measure, as_of=as_of,
                                     reveal_ids=reveal_ids, mask_key=mask_key(),
                                     limits=load_limits(max_nodes=max_nodes))
    write_page(html, out)


@viz_app.command("ownership")
def ownership(uscc: UsccArg, out: OutFile = Path("ownership.html"), store: StoreOpt = None,
              as_of: AsOfOpt = None, reveal_ids: RevealOpt = False,
              max_nodes: MaxNodesOpt = None) -> None:
    """Equity penetration top-down, with the controller and beneficial owners marked."""
    with store_from(store) as db:
        html = render_ownership(db, uscc, as_of=as_of, reveal_ids=reveal_ids,
                                mask_key=mask_key(),
                          limits=load_limits(max_nodes=max_nodes))
    write_page(html, out)


@viz_app.command("path")
def path(a: IdArg, b: IdArg, out: OutFile = Path("path.html"),
         max_hops: Annotated[int, typer.Option("--max-hops")] = 6, kind: KindsOpt = None,
         store: StoreOpt = None, as_of: AsOfOpt = None, reveal_ids: RevealOpt = False,
         max_nodes: MaxNodesOpt = None) -> None:
    """The shortest connections between two parties."""
    with store_from(store) as db:
        html = render_path(db, a, b, as_of=as_of, kinds=kind, max_hops=max_hops,
                           reveal_ids=reveal_ids, mask_key=mask_key(),
                          limits=load_limits(max_nodes=max_nodes))
    write_page(html, out)


@app.command()
def report(party_id: IdArg,
           out: Annotated[Path, typer.Option("--out", help="folder for the report")] = Path(
               "reports"),
           hops: HopsOpt = 1, kind: KindsOpt = None, store: StoreOpt = None,
           as_of: AsOfOpt = None, reveal_ids: RevealOpt = False,
           max_nodes: MaxNodesOpt = None) -> None:
    """The analyst's HTML report: summary, tables, metrics, the interactive graph."""
    with store_from(store) as db:
        path = write_report(db, party_id, out, hops=hops, kinds=kind, as_of=as_of,
                            reveal_ids=reveal_ids, mask_key=mask_key(),
                          limits=load_limits(max_nodes=max_nodes))
    console.print(f"wrote {path}")


@app.command("export")
def export_cmd(party_id: IdArg,
               fmt: Annotated[str, typer.Option("--format", help=" | ".join(FORMATS))],
               out: Annotated[Path, typer.Option("--out", help="file (a folder for csv)")],
               hops: HopsOpt = 1, kind: KindsOpt = None, store: StoreOpt = None,
               as_of: AsOfOpt = None, reveal_ids: RevealOpt = False,
               zh: Annotated[bool, typer.Option("--zh", help="Chinese column headers")] = False,
               ) -> None:
    """Export the party's neighbourhood (CSV, Excel, GraphML, GEXF for Gephi, JSON)."""
    with store_from(store) as db:
        written = export(db, party_id, fmt=fmt, out=out, hops=hops, kinds=kind, as_of=as_of,
                         reveal_ids=reveal_ids, mask_key=mask_key(), zh=zh,
                         limits=load_limits())
    for path in written:
        console.print(f"wrote {path}")

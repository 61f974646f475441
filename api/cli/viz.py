"""CLI: interactive network pages (`viz ego|accountability|ownership|path`), the analyst's
report (`report`) and exports (`export`). ID numbers are masked unless `--reveal-ids`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credtrace.api.cli.common import (
    AsOfOpt,
    RevealOpt,
    StoreOpt,
    UsccArg,
    console,
    load_limits,
    mask_key,
    store_from,
)
from credtrace.viz.export import FORMATS, export
from credtrace.viz.pages import render_accountability, render_ego, render_ownership, render_path
from credtrace.viz.report import write_report

IdArg = Annotated[str, typer.Argument(help="a USCC or a person key")]
OutFile = Annotated[Path, typer.Option("--out", help="HTML file to write")]
HopsOpt = Annotated[int, typer.Option("--hops", help="relationships away from the party")]
KindsOpt = Annotated[list[str] | None, typer.Option(
    "--kind", help="relationship kind to follow (category, type or role; repeatable)")]
MaxNodesOpt = Annotated[int | None, typer.Option(
    "--max-nodes", help="node cap; beyond it nodes are folded into summary nodes")]


def write_page(html: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(f"wrote {out}")


def ego(party_id: IdArg, out: OutFile = Path("ego.html"), hops: HopsOpt = 1,
        kind: KindsOpt = None, store: StoreOpt = None, as_of: AsOfOpt = None,
        reveal_ids: RevealOpt = False, max_nodes: MaxNodesOpt = None) -> None:
    """The party's network within --hops, following the chosen relationship kinds."""
    with store_from(store) as db:
        html = render_ego(db, party_id, hops=hops, kinds=kind, as_of=as_of,
                          reveal_ids=reveal_ids, mask_key=mask_key(),
                          limits=load_limits(max_nodes=max_nodes))
    write_page(html, out)


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


def ownership(uscc: UsccArg, out: OutFile = Path("ownership.html"), store: StoreOpt = None,
              as_of: AsOfOpt = None, reveal_ids: RevealOpt = False,
              max_nodes: MaxNodesOpt = None) -> None:
    """Equity penetration top-down, with the controller and beneficial owners marked."""
    with store_from(store) as db:
        html = render_ownership(db, uscc, as_of=as_of, reveal_ids=reveal_ids,
                                mask_key=mask_key(),
                          limits=load_limits(max_nodes=max_nodes))
    write_page(html, out)


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

"""CLI: 双随机、一公开 draws (`inspections draw`, `inspections verify`).

`draw` reads a plan (JSON), the grades of an evaluation run (its folder) and an inspector
list (CSV: `inspector_id,name,person_id`; `person_id` is the inspector's key in the graph,
empty when they are not in it), writes the draw (JSON) and records it in the audit trail
(plan, seed, content hash). `verify` redraws from the same public inputs and says whether
the published draw is what they give."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from credtrace.api.audit import AuditTrail
from credtrace.api.cli.common import (
    StoreOpt,
    console,
    err,
    load_limits,
    print_json,
    security_db,
    store_from,
)
from credtrace.api.evaluation_run import STEM
from credtrace.api.result_files import read_jsonl
from credtrace.queries.common import InvalidInput
from credtrace.queries.inspections import Inspector, Plan, draw

EvaluationOpt = Annotated[Path, typer.Option(
    "--evaluation", help="folder of the evaluation run whose grades are drawn from")]
InspectorsOpt = Annotated[Path, typer.Option(
    "--inspectors", help="CSV: inspector_id,name,person_id")]


def read_inspectors(path: Path) -> list[Inspector]:
    """The inspector list; `InvalidInput` names the file, line and field of a bad row."""
    result = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            ident, name = (row.get("inspector_id") or "").strip(), (row.get("name") or "").strip()
            if not ident or not name:
                field = "inspector_id" if not ident else "name"
                raise InvalidInput(f"{path}, line {line}: {field} is missing")
            result.append(Inspector(ident, name, (row.get("person_id") or "").strip().upper()
                                    or None))
    return result


def _inputs(plan_path: Path, evaluation: Path, inspectors: Path) -> tuple[Plan, Path, str,
                                                                          list[Inspector]]:
    try:
        plan = Plan.parse(json.loads(plan_path.read_text(encoding="utf-8")), load_limits())
        rows = evaluation / f"{STEM}.jsonl"
        record = json.loads((evaluation / "run.json").read_text(encoding="utf-8"))
        return plan, rows, record["content_hash"], read_inspectors(inspectors)
    except (OSError, ValueError, KeyError) as exc:
        err.print(f"[red]cannot read the draw's inputs:[/] {exc}")
        raise typer.Exit(2) from None


def _draw(plan_path: Path, evaluation: Path, inspectors: Path,
          store: str | None) -> dict[str, Any]:
    plan, rows, evaluation_hash, listed = _inputs(plan_path, evaluation, inspectors)
    if plan.as_of != json.loads((evaluation / "run.json").read_text("utf-8"))["as_of"]:
        err.print("[yellow]note:[/] the plan's date differs from the evaluation's")
    with store_from(store) as db:
        return draw(db, plan, read_jsonl(rows), listed, evaluation_hash, load_limits())


def draw_command(
    plan: Annotated[Path, typer.Option("--plan", help="the draw plan (JSON)")],
    evaluation: EvaluationOpt,
    inspectors: InspectorsOpt,
    out: Annotated[Path, typer.Option("--out", help="where the draw (JSON) is written")],
    store: StoreOpt = None,
) -> None:
    """Draw enterprises per grade at the plan's rates and unrelated inspectors for each;
    write the draw and record it in the audit trail."""
    result = _draw(plan, evaluation, inspectors, store)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    trail = AuditTrail(security_db(store))
    entry = trail.append(key_id="cli", role="admin", method="CLI", route="inspections draw",
                         subjects=[f"plan:{result['plan']['name']}", f"seed:{result['seed']}",
                                   f"draw:{result['content_hash']}"],
                         purpose="双随机一公开")
    print_json({"out": str(out), "seed": result["seed"], "drawn": result["drawn"],
                "population": result["population"], "content_hash": result["content_hash"],
                "audit_entry": entry.seq,
                "short": sum(1 for e in result["sample"] if "short" in e)})


def verify(
    published: Annotated[Path, typer.Option("--draw", help="the published draw (JSON)")],
    plan: Annotated[Path, typer.Option("--plan", help="the draw plan (JSON)")],
    evaluation: EvaluationOpt,
    inspectors: InspectorsOpt,
    store: StoreOpt = None,
) -> None:
    """Redraw from the plan, the evaluation and the inspector list; exit 1 if the published
    draw differs, naming the first difference."""
    claimed = json.loads(published.read_text(encoding="utf-8"))
    again = _draw(plan, evaluation, inspectors, store)
    if again["content_hash"] == claimed.get("content_hash") and again == claimed:
        console.print(f"draw verified: {again['content_hash']}")
        return
    for key in ("seed", "population", "drawn"):
        if again[key] != claimed.get(key):
            err.print(f"[red]{key} differs:[/] published {claimed.get(key)}, redrawn {again[key]}")
    for mine, theirs in zip(again["sample"], claimed.get("sample", []), strict=False):
        if mine != theirs:
            err.print(f"[red]first differing entry:[/] published {theirs.get('uscc')}, "
                      f"redrawn {mine['uscc']}")
            break
    err.print(f"[red]draw does not verify[/]: redrawn hash {again['content_hash']}")
    raise typer.Exit(1)

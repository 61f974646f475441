"""CLI: sanction checks (`check`), ownership (`owners`), groups (`group`), scores (`score`).
ID numbers are masked unless `--reveal-ids`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from api.cliapp import (
    AsOfOpt,
    JsonOpt,
    QueryRevealOpt,
    StoreOpt,
    app,
    console,
    err,
    load_limits,
    present,
    store_from,
)
from queries.check import CheckAnswer, CheckError, check_batch
from queries.common import Bounds
from queries.owners import group as group_query
from queries.owners import owners as owners_query
from queries.score import score as score_query

UsccArg = Annotated[str, typer.Argument(help="the enterprise's USCC")]


def _bounds(value: Bounds | None) -> str:
    if value is None:
        return "—"
    low, high = value["low"], value["high"]
    return f"{low:g}%" if low == high else f"{low:g}–{high:g}%"


def _name(item: Mapping[str, Any] | None) -> str:
    return "—" if item is None else f"{item['name']} ({item['id']})"


A = TypeVar("A")  # a query's answer

def _run(query: Callable[..., A], uscc: str, store: str | None,
         as_of: str | None, as_json: bool, reveal_ids: bool = True) -> A | None:
    """Answer `query` for one enterprise as it may be shown; print it as JSON (and return
    None) if asked."""
    with store_from(store) as db:
        answer = query(db, uscc, as_of=as_of)
    return present(answer, as_json=as_json, reveal_ids=reveal_ids)


@app.command()
def check(
    ids: Annotated[list[str], typer.Argument(help="USCCs or person keys (several: a batch)")],
    scenario: Annotated[str | None, typer.Option(
        help="business scenario, e.g. procurement, bidding, market_access")] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """Measures in force that apply to the scenario: an enterprise's own, a person's own
    and derived (R1), each with its state and evidence. Exit 1 if an id is unknown."""
    with store_from(store) as db:
        answers = check_batch(db, ids, scenario=scenario, as_of=as_of, limits=load_limits())
    printed = present(answers[0] if len(ids) == 1 else answers, as_json=as_json,
                      reveal_ids=reveal_ids)
    if printed is not None:
        for answer in printed if isinstance(printed, list) else [printed]:
            print_check(answer)
    if any("error" in a for a in answers):
        raise typer.Exit(1)


def print_check(answer: CheckAnswer | CheckError) -> None:
    if "error" in answer:
        err.print(f"[red]{answer['id']}: {answer['error']['detail']}[/]")
        return
    verdict = "[red]APPLIES[/]" if answer["applies"] else "[green]no measure applies[/]"
    table = Table(title=f"{_name(answer['subject'])} — {answer['scenario'] or 'all scenarios'}"
                        f", as of {answer['as_of']}: {verdict}")
    for column in ("measure", "kind", "derived from", "roles", "state", "evidence"):
        table.add_column(column)
    for item in answer["measures"] + answer["uncertain"]:
        if item["measure"] is None:
            continue
        state = item["state"]["status"] + (" (uncertain)" if "reason" in item else "")
        table.add_row(item["measure"], item["kind_zh"] or item["kind"],
                      _name(item["subject"]) if item["derived"] else "—",
                      ", ".join(item["roles"]), state,
                      " → ".join(step["step"] for step in item["evidence"]))
    console.print(table)
    for item in answer["uncertain"]:
        console.print(f"  uncertain: {item['measure'] or ''} {item['reason']}")
    for risk in answer["risk"]:
        console.print(f"  risk: {_name(risk['person'])} ({', '.join(risk['roles'])}) is under "
                      f"{risk['measure']} {risk['kind_zh'] or risk['kind']}"
                      f"{' (derived)' if risk['derived'] else ''}")


@app.command()
def owners(uscc: UsccArg, store: StoreOpt = None, as_of: AsOfOpt = None,
           as_json: JsonOpt = False, reveal_ids: QueryRevealOpt = True) -> None:
    """Direct and indirect holders with effective ownership, controlling shareholder,
    actual controller and beneficial owners."""
    answer = _run(owners_query, uscc, store, as_of, as_json, reveal_ids)
    if answer is None:
        return
    table = Table(title=f"{_name(answer['enterprise'])} — holders, as of {answer['as_of']}")
    for column in ("holder", "direct", "effective", "paths", "note"):
        table.add_column(column)
    for h in answer["holders"]:
        paths = f"{h['path_count']}" + (" (capped)" if h["paths_capped"] else "")
        table.add_row(_name(h["holder"]), _bounds(h["direct"]), _bounds(h["effective"]),
                      paths, "; ".join(h["uncertain"]))
    console.print(table)
    cs = answer["controlling_shareholder"]
    console.print("controlling shareholder: " + (
        f"{_name(cs['holder'])} {cs['share']:g}% ({cs['rule']})" if cs else "none"))
    ac = answer["actual_controller"]
    console.print(f"actual controller: {_name(ac['controller'])} (ends: {ac['ends']}"
                  f"{', declared' if ac['declared'] else ''})")
    for b in answer["beneficial_owners"]:
        mark = " [fallback]" if b["fallback"] else ""
        mark += " [high bound only]" if b["by_high_bound_only"] else ""
        console.print(f"beneficial owner: {_name(b['person'])}: {', '.join(b['basis'])}"
                      f" {_bounds(b['effective']) if b['effective'] else ''}{mark}")


@app.command()
def group(uscc: UsccArg, store: StoreOpt = None, as_of: AsOfOpt = None,
          as_json: JsonOpt = False) -> None:
    """The enterprises connected to this one by control, with the control edges."""
    answer = _run(group_query, uscc, store, as_of, as_json)
    if answer is None:
        return
    table = Table(title=f"{_name(answer['enterprise'])} — group, as of {answer['as_of']}"
                        + (" (truncated)" if answer["truncated"] else ""))
    for column in ("member", "relation", "depth"):
        table.add_column(column)
    for m in answer["members"]:
        table.add_row(_name(m), m["relation"], str(m["depth"]))
    console.print(table)
    for e in answer["edges"]:
        share = f" {e['share']:g}%" if e["share"] is not None else ""
        console.print(f"  {e['controller']} controls {e['controlled']} ({e['basis']}{share})")


@app.command()
def score(uscc: UsccArg, store: StoreOpt = None, as_of: AsOfOpt = None,
          as_json: JsonOpt = False, reveal_ids: QueryRevealOpt = True) -> None:
    """The enterprise's credit score and grade, with every contribution."""
    answer = _run(score_query, uscc, store, as_of, as_json, reveal_ids)
    if answer is None:
        return
    table = Table(title=f"{_name(answer['enterprise'])}: score {answer['score']:g}, grade "
                        f"{answer['grade']} ({answer['supervision']}), as of {answer['as_of']}")
    for column in ("points", "source", "explanation", "flag"):
        table.add_column(column, justify="right" if column == "points" else "left")
    for c in answer["contributions"]:
        table.add_row(f"{-c['points']:+g}", c["source"], c["explanation"], c["flag"] or "")
    console.print(table)

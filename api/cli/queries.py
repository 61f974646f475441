"""CLI: sanction checks (`check`), ownership (`owners`), groups (`group`), scores (`score`).
ID numbers are masked unless `--reveal-ids`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Column

from credtrace.api.cli.answering import Asked, answering
from credtrace.api.cli.common import UsccArg, console, err, load_limits, store_from
from credtrace.api.cli.tables import chain, party, print_table, share, state
from credtrace.queries.check import CheckAnswer, CheckError, check_batch
from credtrace.queries.owners import group as group_query
from credtrace.queries.owners import owners as owners_query
from credtrace.queries.score import score as score_query


@answering()
def check(
    ids: Annotated[list[str], typer.Argument(help="USCCs or person keys (several: a batch)")],
    scenario: Annotated[str | None, typer.Option(
        help="business scenario, e.g. procurement, bidding, market_access")] = None,
    *, asked: Asked,
) -> None:
    """Measures in force that apply to the scenario: an enterprise's own, a person's own
    and derived (R1), each with its state and evidence. Exit 1 if an id is unknown."""
    with store_from(asked.store) as db:
        answers = check_batch(db, ids, scenario=scenario, as_of=asked.as_of,
                              limits=load_limits())
    printed = asked.show(answers[0] if len(ids) == 1 else answers)
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
    print_table(f"{party(answer['subject'])} — {answer['scenario'] or 'all scenarios'}, as of "
                f"{answer['as_of']}: {verdict}",
                ("measure", "kind", "derived from", "roles", "state", "evidence"),
                ((item["measure"], item["kind_zh"] or item["kind"],
                  party(item["subject"]) if item["derived"] else "—", ", ".join(item["roles"]),
                  state(item), chain(item["evidence"]))
                 for item in answer["measures"] + answer["uncertain"]
                 if item["measure"] is not None))
    for item in answer["uncertain"]:
        console.print(f"  uncertain: {item['measure'] or ''} {item['reason']}")
    for risk in answer["risk"]:
        console.print(f"  risk: {party(risk['person'])} ({', '.join(risk['roles'])}) is under "
                      f"{risk['measure']} {risk['kind_zh'] or risk['kind']}"
                      f"{' (derived)' if risk['derived'] else ''}")


@answering()
def owners(uscc: UsccArg, *, asked: Asked) -> None:
    """Direct and indirect holders with effective ownership, controlling shareholder,
    actual controller and beneficial owners."""
    answer = asked.answer(lambda db: owners_query(db, uscc, as_of=asked.as_of))
    if answer is None:
        return
    print_table(f"{party(answer['enterprise'])} — holders, as of {answer['as_of']}",
                ("holder", "direct", "effective", "paths", "note"),
                ((party(h["holder"]), share(h["direct"]), share(h["effective"]),
                  f"{h['path_count']}" + (" (capped)" if h["paths_capped"] else ""),
                  "; ".join(h["uncertain"]))
                 for h in answer["holders"]))
    cs = answer["controlling_shareholder"]
    console.print("controlling shareholder: " + (
        f"{party(cs['holder'])} {cs['share']:g}% ({cs['rule']})" if cs else "none"))
    ac = answer["actual_controller"]
    console.print(f"actual controller: {party(ac['controller'])} (ends: {ac['ends']}"
                  f"{', declared' if ac['declared'] else ''})")
    for b in answer["beneficial_owners"]:
        mark = " [fallback]" if b["fallback"] else ""
        mark += " [high bound only]" if b["by_high_bound_only"] else ""
        console.print(f"beneficial owner: {party(b['person'])}: {', '.join(b['basis'])}"
                      f" {share(b['effective']) if b['effective'] else ''}{mark}")


@answering(revealing=False)
def group(uscc: UsccArg, *, asked: Asked) -> None:
    """The enterprises connected to this one by control, with the control edges."""
    answer = asked.answer(lambda db: group_query(db, uscc, as_of=asked.as_of))
    if answer is None:
        return
    print_table(f"{party(answer['enterprise'])} — group, as of {answer['as_of']}"
                + (" (truncated)" if answer["truncated"] else ""),
                ("member", "relation", "depth"),
                ((party(m), m["relation"], str(m["depth"])) for m in answer["members"]))
    for e in answer["edges"]:
        held = f" {e['share']:g}%" if e["share"] is not None else ""
        console.print(f"  {e['controller']} controls {e['controlled']} ({e['basis']}{held})")


@answering()
def score(uscc: UsccArg, *, asked: Asked) -> None:
    """The enterprise's credit score and grade, with every contribution."""
    answer = asked.answer(lambda db: score_query(db, uscc, as_of=asked.as_of))
    if answer is None:
        return
    print_table(f"{party(answer['enterprise'])}: score {answer['score']:g}, grade "
                f"{answer['grade']} ({answer['supervision']}), as of {answer['as_of']}",
                (Column("points", justify="right"), "source", "explanation", "flag"),
                ((f"{-c['points']:+g}", c["source"], c["explanation"], c["flag"] or "")
                 for c in answer["contributions"]))

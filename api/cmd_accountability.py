"""CLI: R1 accountability (`accountable`); ID numbers masked unless `--reveal-ids`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cliapp import AsOfOpt, JsonOpt, QueryRevealOpt, StoreOpt, app, console, present, store_from
from queries.accountability import AccountableAnswer
from queries.accountability import accountable as accountable_query


@app.command()
def accountable(
    uscc: Annotated[str, typer.Argument(help="the enterprise's USCC")],
    measure: Annotated[str | None, typer.Option(help="only this measure")] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """R1: the persons reached by the enterprise's measures, with evidence."""
    with store_from(store) as db:
        answer = accountable_query(db, uscc, measure_id=measure, as_of=as_of)
    printed = present(answer, as_json=as_json, reveal_ids=reveal_ids)
    if printed is not None:
        print_accountable(printed)


def print_accountable(answer: AccountableAnswer) -> None:
    """The persons reached, one row each (`answer` as it may be shown: see `present`)."""
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


def print_propagation(answers: list[AccountableAnswer], as_of: str) -> None:
    """R1 over the graph in one table: each sanctioned enterprise, measure and person."""
    table = Table(title=f"accountable persons (R1), as of {as_of}")
    for column in ("enterprise", "measure", "state on date", "person", "roles", "evidence"):
        table.add_column(column)
    for answer in answers:
        for entry in answer["reached"] + answer["uncertain"]:
            status = entry["state"]["status"] + (" (uncertain)" if "reason" in entry else "")
            chain = " → ".join(step["step"] for step in entry["evidence"][2:-1])
            table.add_row(answer["enterprise"]["name"], entry["measure"], status,
                          entry["name"], ", ".join(entry["roles"]), chain)
    console.print(table)

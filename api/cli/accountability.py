"""CLI: R1 accountability (`accountable`); ID numbers masked unless `--reveal-ids`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.cli.common import (
    AsOfOpt,
    JsonOpt,
    QueryRevealOpt,
    StoreOpt,
    UsccArg,
    console,
    present,
    store_from,
)
from api.cli.tables import chain, party, print_table, state
from queries.accountability import accountable as accountable_query


def accountable(
    uscc: UsccArg,
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


def print_accountable(answer: dict[str, Any]) -> None:
    """The persons reached, one row each (`answer` as it may be shown: see `present`)."""
    print_table(f"{party(answer['enterprise'])} — accountable persons, as of {answer['as_of']}",
                ("person", "name", "roles", "measure", "state", "evidence"),
                ((entry["person"], entry["name"], ", ".join(entry["roles"]), entry["measure"],
                  state(entry), chain(entry["evidence"]))
                 for entry in answer["reached"] + answer["uncertain"]))
    for entry in answer["uncertain"]:
        console.print(f"  uncertain: {entry['name']}: {entry['reason']}")

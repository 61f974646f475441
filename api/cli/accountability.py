"""CLI: R1 accountability (`accountable`); ID numbers masked unless `--reveal-ids`."""

from __future__ import annotations

from typing import Annotated

import typer

from credtrace.api.cli.answering import Asked, answering
from credtrace.api.cli.common import UsccArg, console
from credtrace.api.cli.tables import chain, party, print_table, state
from credtrace.queries.accountability import AccountableAnswer
from credtrace.queries.accountability import accountable as accountable_query


@answering()
def accountable(
    uscc: UsccArg,
    measure: Annotated[str | None, typer.Option(help="only this measure")] = None,
    *, asked: Asked,
) -> None:
    """R1: the persons reached by the enterprise's measures, with evidence."""
    printed = asked.answer(lambda db: accountable_query(db, uscc, measure_id=measure,
                                                        as_of=asked.as_of))
    if printed is not None:
        print_accountable(printed)


def print_accountable(answer: AccountableAnswer) -> None:
    """The persons reached, one row each (`answer` as it may be shown: see `Asked.show`)."""
    print_table(f"{party(answer['enterprise'])} — accountable persons, as of {answer['as_of']}",
                ("person", "name", "roles", "measure", "state", "evidence"),
                ((entry["person"], entry["name"], ", ".join(entry["roles"]), entry["measure"],
                  state(entry), chain(entry["evidence"]))
                 for entry in answer["reached"] + answer["uncertain"]))
    for entry in answer["uncertain"]:
        console.print(f"  uncertain: {entry['name']}: {entry['reason']}")

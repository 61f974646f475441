"""CLI: the disclosure report (`disclosure`): decisions, publication date, working-day
deadline, on time or late."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cliapp import (
    AsOfOpt,
    JsonOpt,
    QueryRevealOpt,
    StoreOpt,
    app,
    console,
    present,
    store_from,
)
from queries.disclosure import disclosure as disclosure_query
from queries.workdays import WorkCalendar


@app.command()
def disclosure(
    since: Annotated[str | None, typer.Option(help="decisions on or after this date")] = None,
    workdays: Annotated[Path | None, typer.Option(
        help="extra working-day overrides CSV (date,day_type,note) for years the "
             "calendar lacks", exists=True, dir_okay=False)] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """Decisions to be published within working days (双公示): publication date, deadline,
    on time or late; a deadline in a year without a holiday schedule is `unknown`."""
    calendar = WorkCalendar.with_file(workdays) if workdays else None
    with store_from(store) as db:
        answer = disclosure_query(db, as_of=as_of, since=since, calendar=calendar)
    printed = present(answer, as_json=as_json, reveal_ids=reveal_ids)
    if printed is None:
        return
    table = Table(title=f"Disclosure as of {answer['as_of']}: {answer['counts']}")
    for column in ("measure", "kind", "decided", "deadline", "published", "status"):
        table.add_column(column)
    for row in answer["decisions"]:
        table.add_row(row["measure"], row["kind_zh"], row["decided"] or "—",
                      row["deadline"] or "—", row["published"] or "—",
                      row["status"] + (f" ({row['reason']})" if row["reason"] else ""))
    console.print(table)

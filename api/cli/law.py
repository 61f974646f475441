"""CLI: the disclosure report (`disclosure`): decisions, publication date, working-day
deadline, on time or late."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credtrace.api.cli.answering import Asked, answering
from credtrace.api.cli.tables import print_table
from credtrace.queries.disclosure import disclosure as disclosure_query
from credtrace.queries.workdays import WorkCalendar


@answering()
def disclosure(
    since: Annotated[str | None, typer.Option(help="decisions on or after this date")] = None,
    until: Annotated[str | None, typer.Option(help="decisions on or before this date")] = None,
    authority: Annotated[str | None, typer.Option(help="only this deciding authority")] = None,
    workdays: Annotated[Path | None, typer.Option(
        help="extra working-day overrides CSV (date,day_type,note) for years the "
             "calendar lacks", exists=True, dir_okay=False)] = None,
    *, asked: Asked,
) -> None:
    """Decisions to be published within working days (双公示 7, registration information
    20): publication date, deadline, on time or late; a deadline in a year without a
    holiday schedule is `unknown`."""
    calendar = WorkCalendar.with_file(workdays) if workdays else None
    answer = asked.answer(lambda db: disclosure_query(
        db, as_of=asked.as_of, since=since, until=until, authority=authority,
        calendar=calendar))
    if answer is None:
        return
    print_table(f"Disclosure as of {answer['as_of']}: {answer['counts']}",
                ("measure", "kind", "decided", "within", "deadline", "published", "status"),
                ((row["measure"], row["kind_zh"], row["decided"] or "—",
                  f"{row['within_workdays']} 工作日", row["deadline"] or "—",
                  row["published"] or "—",
                  row["status"] + (f" ({row['reason']})" if row["reason"] else ""))
                 for row in answer["decisions"]))

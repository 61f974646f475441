"""The law as dated data (issue 15): the disclosure report, decisions against their
working-day publication deadlines (双公示 7, registration information 20)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from credtrace.api.http.deps import CallerDep, ReadStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.examples import answer_example
from credtrace.api.http.params import AsOf, Limit, iso
from credtrace.api.roles import Scope
from credtrace.queries.disclosure import DisclosureAnswer, disclosure

router = APIRouter(prefix="/v1", tags=["analyse"], dependencies=[require(Scope.ANALYSE)],
                   responses=responses(401, 403, 422, 429, 503))


@router.get("/disclosure", response_model=DisclosureAnswer, responses=answer_example("disclosure"),
            summary="Decisions against their working-day publication deadlines")
def get_disclosure(
    caller: CallerDep, store: ReadStore, as_of: AsOf = None,
    since: Annotated[date | None, Query(alias="from",
                                        description="decided on or after (ISO)")] = None,
    until: Annotated[date | None, Query(alias="to",
                                        description="decided on or before (ISO)")] = None,
    authority: Annotated[str | None, Query(min_length=1, max_length=100,
                                           description="only this deciding authority")] = None,
    limit: Limit = 500,
) -> Any:
    """Each decision with a deadline in the catalogue: decided, published, deadline and
    `on_time`, `late`, `overdue`, `pending` or `unknown` with the reason; counts by
    status and by deadline (working days). `truncated` counts the rows left out."""
    caller.audit()
    answer = disclosure(store, as_of=iso(as_of), since=iso(since), until=iso(until),
                        authority=authority)
    limit = min(limit, caller.limits.max_results)
    rows = answer["decisions"]
    answer |= {"decisions": rows[:limit], "truncated": max(0, len(rows) - limit)}
    return caller.answer(answer)

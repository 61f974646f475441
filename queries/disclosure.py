"""The disclosure report: decisions that must be published within a number of working
days (catalogue `publish_within_workdays`, e.g. 双公示: administrative penalties within 7
working days of the decision; the market regulator's registration information within 20,
《企业信息公示暂行条例》 art. 6), their publication date, deadline, and whether they were
on time. Which decisions fall under which deadline is catalogue data (docs/law.md).

A decision is `on_time` (published by the deadline), `late`, `overdue` (not published and
the deadline passed by the as-of date), `pending` (not published, deadline to come) or
`unknown` with the reason (no decision date; a deadline in a year no holiday schedule
covers: never guessed, see `queries.workdays`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, NotRequired

from typing_extensions import TypedDict

from credtrace.graph.model import Label
from credtrace.graph.store import Reader
from credtrace.queries.common import Json, as_of_date, catalogue, kind_of
from credtrace.queries.workdays import BeyondCalendar, WorkCalendar


def _status(published: str | None, deadline: str, day: str) -> str:
    if published is not None:
        return "on_time" if published <= deadline else "late"
    return "overdue" if deadline < day else "pending"


def _selected(props: dict[str, Any], since: str | None, until: str | None,
              authority: str | None) -> bool:
    decided = props.get("start")
    return not ((since and decided and decided < since) or (until and decided and decided > until)
                or (authority is not None and props.get("authority") != authority))


class DisclosureAnswer(TypedDict):
    """Decisions against their working-day publication deadlines (双公示 7 working days,
    the market regulator's registration information 20), with counts; the API adds
    `truncated` when it cuts the list."""

    as_of: str
    since: str | None
    until: str | None
    authority: str | None
    decisions: list[Json]
    counts: dict[str, int]
    by_deadline: dict[str, int]
    truncated: NotRequired[int]


def disclosure(store: Reader, *, as_of: str | None = None, since: str | None = None,
               until: str | None = None, authority: str | None = None,
               calendar: WorkCalendar | None = None) -> DisclosureAnswer:
    """Every decision with a publication deadline (decided from `since` to `until`,
    inclusive; of `authority` if given), its deadline in working days, and counts by
    status and by deadline.

    >>> from credtrace.graph.memory import MemoryStore
    >>> disclosure(MemoryStore(), as_of="2026-03-01")["counts"]
    {}
    """
    day = as_of_date(as_of)
    start = as_of_date(since) if since else None
    end = as_of_date(until) if until else None
    calendar = calendar or WorkCalendar()
    kinds = catalogue(store)
    rows = []
    for measure in sorted(store.nodes(Label.MEASURE), key=lambda n: n.uid):
        kind = kind_of(kinds, measure)
        decided, published = measure.props.get("start"), measure.props.get("published")
        if kind is None or kind.publish_within_workdays is None \
                or not _selected(measure.props, start, end, authority):
            continue
        row: dict[str, Any] = {
            "measure": measure.uid, "kind": kind.kind, "kind_zh": kind.name_zh,
            "subject": measure.props.get("subject"),
            "subject_kind": measure.props.get("subject_kind"),
            "authority": measure.props.get("authority"), "decided": decided,
            "published": published, "within_workdays": kind.publish_within_workdays,
            "deadline": None, "status": "unknown", "reason": None,
            "rule": kind.legal_basis}
        if decided is None:
            row["reason"] = "decision date unknown"
        else:
            try:
                deadline = calendar.add_workdays(date.fromisoformat(decided),
                                                 kind.publish_within_workdays).isoformat()
            except BeyondCalendar as exc:
                row["reason"] = str(exc)
            else:
                row |= {"deadline": deadline, "status": _status(published, deadline, day)}
        rows.append(row)
    counts = dict(sorted(Counter(r["status"] for r in rows).items()))
    deadlines = dict(sorted(Counter(r["within_workdays"] for r in rows).items()))
    return {"as_of": day, "since": start, "until": end, "authority": authority,
            "decisions": rows, "counts": counts,
            "by_deadline": {str(days): n for days, n in deadlines.items()}}

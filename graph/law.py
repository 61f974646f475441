"""Dated rules shared by ingest and queries: which version of a rule is in force on a date,
calendar months, and a measure's publication window (issue 15, docs/law.md).

A window is counted from the decision date: repair becomes possible once the minimum
publication period is served (`repair_from`); publication ends by itself at the maximum,
and a statutory measure at the end of its period (`ends_on`).

>>> add_months("2026-03-31", 3), add_months("2024-02-29", 12)
('2026-06-30', '2025-02-28')
>>> w = publication_window("2026-04-01", {"publication_min_months": 3,
...                                       "publication_max_months": 12})
>>> (w.repair_from, w.ends_on)
('2026-07-01', '2027-04-01')
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, TypeVar


def add_months(day: str, months: int) -> str:
    """`day` plus whole calendar months, the day clamped to the month's length."""
    d = date.fromisoformat(day)
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1])).isoformat()


V = TypeVar("V")


def _bounds(version: Any) -> tuple[str | None, str | None]:
    return version.get("valid_from"), version.get("valid_to")


def in_force(valid_from: str | None, valid_to: str | None, day: str) -> bool:
    """Whether a version valid over [valid_from, valid_to) (empty: open) covers `day`."""
    return (valid_from or "") <= day and (valid_to is None or day < valid_to)


def version_on(versions: Sequence[V], day: str | None,
               bounds: Callable[[V], tuple[str | None, str | None]] = _bounds) -> V | None:
    """The version (sorted by `valid_from`; `bounds` gives its interval) in force on
    `day`; the latest when `day` is unknown, the first before it and the latest after
    all."""
    if not versions:
        return None
    if day is None:
        return versions[-1]
    for version in versions:
        if in_force(*bounds(version), day):
            return version
    return versions[0] if day < (bounds(versions[0])[0] or "") else versions[-1]


def versions_of(kind_props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The versions stored on a `MeasureKind` node."""
    return list(json.loads(kind_props.get("versions") or "[]"))


@dataclass(frozen=True)
class Window:
    """When repair becomes possible and when a measure ends by itself (None: no rule)."""

    repair_from: str | None = None
    ends_on: str | None = None
    basis: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def publication_window(decided: str | None, version: Mapping[str, Any] | None) -> Window:
    """The window of a measure decided on `decided` under a catalogue `version`."""
    if decided is None or version is None:
        return Window()
    low, high = version.get("publication_min_months"), version.get("publication_max_months")
    period = version.get("period_months")
    ends = [add_months(decided, m) for m in (high, period) if m is not None]
    return Window(add_months(decided, low) if low is not None else None,
                  min(ends) if ends else None, version.get("legal_basis"))


def decision_date(measure_props: Mapping[str, Any]) -> str | None:
    """A measure's decision date: its start, else its conduct date."""
    return measure_props.get("start") or measure_props.get("conduct_date")


def rule_date(measure_props: Mapping[str, Any], dated_by: str | None) -> str | None:
    """The date whose rules apply to a measure: the decision date, or the conduct date
    where the kind says the law looks at the conduct (`dated_by` = ``conduct``).

    >>> rule_date({"conduct_date": "2015-07-01", "start": "2015-08-01"}, "conduct")
    '2015-07-01'
    """
    if dated_by == "conduct":
        return measure_props.get("conduct_date") or measure_props.get("start")
    return decision_date(measure_props)

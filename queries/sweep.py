"""The city-wide early-warning sweep: every R4 alert on a date, no list cut, one alert at a
time, with filters. It reuses `queries.alerts` (forbidden roles, new shells, exposure) and
only adds what a sweep needs: a kind on each alert, the date it arose, and the filters.

- `region`: the start of the region code in the enterprise's USCC (characters 3–8, the
  registering authority's 行政区划码), e.g. `4101` for Zhengzhou, `410105` for 金水区.
- `since` / `until`: the date the alert arose (forbidden role: the later of the measure's
  and the role's start; new shell: its first trigger; exposure: the latest start of the
  measures counted). An alert whose date is unknown is kept and says so (`date` null,
  `undated` true): a filter never hides what cannot be dated.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> run = Sweep(store, as_of="2024-01-01", kinds=["forbidden_roles"], region="4101")
>>> found = list(run.alerts())
>>> [(a["kind"], a["person"]["name"], a["enterprise"]["name"]) for a in found]
[('forbidden_roles', '孙丽', '郑州管城餐饮管理有限公司')]
>>> run.counts
{'forbidden_roles': 1}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import Label
from credtrace.graph.records import Node
from credtrace.graph.store import Reader
from credtrace.queries.alerts import (
    Personal,
    exposure,
    forbidden_roles,
    new_shells,
    personal_measures,
    sanctioned_parties,
)
from credtrace.queries.check import Checker
from credtrace.queries.common import InvalidInput, as_of_date
from credtrace.queries.network import bounded

KINDS = ("forbidden_roles", "new_shells", "exposure")
#: Where the region code sits in a USCC (characters 3–8).
REGION = slice(2, 8)


def arose(kind: str, alert: dict[str, Any]) -> str | None:
    """The date an alert arose, None when unknown.

    >>> arose("new_shells", {"triggers": [{"date": "2023-05-01"}, {"date": "2023-06-01"}]})
    '2023-05-01'
    """
    if kind == "forbidden_roles":
        starts = [alert["measure"]["start"], alert["relationship"]["start"]]
        return None if None in starts else max(starts)
    if kind == "new_shells":
        first: str = min(t["date"] for t in alert["triggers"])
        return first
    dates = [m["start"] for s in alert["sanctioned"] for m in s["measures"]]
    return None if not dates or None in dates else max(dates)


def _region(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > 6:
        raise InvalidInput(f"region must be 1 to 6 digits of a region code, got {value!r}")
    return value


class Sweep:
    """Every alert of `kinds` on `as_of` whose enterprise's region code starts with
    `region` and that arose between `since` and `until` (inclusive). Iterate `alerts()`
    once; afterwards `counts` (alerts per kind) and `complete` (False when an exposure walk
    stopped at the result bound: its alerts are partial, not absent) describe the sweep."""

    def __init__(self, store: Reader, *, as_of: str | None = None, k: int = 2,
                 kinds: Sequence[str] = KINDS, region: str | None = None,
                 since: str | None = None, until: str | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise InvalidInput(f"unknown alert kind(s) {', '.join(unknown)}; one of "
                               f"{', '.join(KINDS)}")
        self.store, self.kinds = store, [kind for kind in KINDS if kind in kinds]
        self.k, self.limits = bounded("k", k, 1, limits.max_hops), limits
        self.day = as_of_date(as_of)
        self.region = _region(region)
        self.since, self.until = (as_of_date(d) if d else None for d in (since, until))
        self.counts: dict[str, int] = dict.fromkeys(self.kinds, 0)
        self.complete = True

    def _found(self, kind: str, checker: Checker, measures: list[Node],
               personal: list[Personal]) -> list[dict[str, Any]]:
        if kind == "forbidden_roles":
            return forbidden_roles(checker, personal)
        if kind == "new_shells":
            return new_shells(checker, personal)
        found, complete = exposure(checker, sanctioned_parties(checker, measures, personal),
                                   self.k, self.limits)
        self.complete = self.complete and complete
        return found

    def alerts(self) -> Iterator[dict[str, Any]]:
        """The alerts, each with its `kind`, `date` and `undated`, kind by kind in the order
        of `queries.alerts.alerts`."""
        checker = Checker(self.store, self.day)
        measures = sorted(self.store.nodes(Label.MEASURE), key=lambda m: m.uid)
        personal = personal_measures(checker, measures)
        for kind in self.kinds:
            for alert in self._found(kind, checker, measures, personal):
                if self.region and not alert["enterprise"]["id"][REGION].startswith(self.region):
                    continue
                day = arose(kind, alert)
                if day and ((self.since and day < self.since)
                            or (self.until and day > self.until)):
                    continue
                self.counts[kind] += 1
                yield {"kind": kind, "date": day, "undated": day is None, **alert}

    def summary(self) -> dict[str, Any]:
        return {"as_of": self.day, "k": self.k, "kinds": self.kinds, "region": self.region,
                "since": self.since, "until": self.until, "counts": self.counts,
                "complete": self.complete}

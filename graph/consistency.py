"""Doubtful facts: where stored intervals contradict each other (domain §9).

Real registers lag and overlap: an old holder's exit is recorded days after the new
holder's entry, a holder is restated with a new percentage while the old row stays open,
two legal representatives overlap. Such facts load, flagged; these functions find where,
for the load's warnings and for the answers' `data_quality` notes. They are pure functions
over relationships (`Edge`), so a load and a query judge alike.

>>> from credtrace.graph.records import Edge
>>> a = Edge("HOLDS_SHARES", "A", "E", "a", {"percentage": 60.0, "start": "2020-01-01",
...                                          "end": None, "file": "s.csv", "line": 2})
>>> b = Edge("HOLDS_SHARES", "B", "E", "b", {"percentage": 50.0, "start": "2021-03-01",
...                                          "end": None, "file": "s.csv", "line": 3})
>>> [(x.enterprise, x.start, x.end, x.total) for x in over_allocations([a, b])]
[('E', '2021-03-01', None, 110.0)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from credtrace.graph.model import Rel
from credtrace.graph.records import Edge

TOLERANCE = 0.01
#: Roles of which an enterprise has one holder at a time (domain §2).
SOLE_ROLES = frozenset({Rel.LEGAL_REPRESENTATIVE})


@dataclass(frozen=True)
class Inconsistency:
    """Facts about one enterprise that cannot all be true over `[start, end)`.

    `kind` is `over_100` (direct holders total more than 100 %: e.g. an exit recorded
    after the successor's entry, or a holder restated while the old row stays open) or
    `sole_role_overlap` (two legal representatives at once; a holder's two holdings that
    overlap are two tranches and add up, so they are no inconsistency by themselves).
    `total` is the largest sum of the low bounds of the shares in the period (over_100
    only). `facts` are the relationships involved, with party, share, interval and line.
    """

    kind: str
    enterprise: str
    start: str | None  # None: from an unknown date
    end: str | None  # None: still open
    facts: tuple[dict[str, Any], ...]
    total: float | None = None

    def describe(self) -> str:
        """One sentence naming the dates and the lines involved."""
        span = f"from {self.start or 'an unknown date'}" + (
            f" until {self.end}" if self.end else "")
        lines = "; ".join(
            f"{f['party']}" + (f" {f['share']:g}%" if f.get("share") is not None else "")
            + f" [{f['start'] or '?'}, {f['end'] or ''}) at {f['file']}:{f['line']}"
            for f in self.facts)
        what = {
            "over_100": f"holders of {self.enterprise} total {self.total or 0:g}%",
            "sole_role_overlap": f"two legal representatives of {self.enterprise}",
        }[self.kind]
        return f"{what} {span}: {lines}"

    def covers(self, day: str) -> bool:
        """Whether `day` falls in the inconsistent period."""
        return (self.start or "") <= day and (self.end is None or day < self.end)


def _fact(edge: Edge, share: float | None) -> dict[str, Any]:
    p = edge.props
    return {"party": edge.source, "share": share, "start": p.get("start"),
            "end": p.get("end"), "file": p.get("file"), "line": p.get("line"), "key": edge.eid}


def _low_share(edge: Edge) -> float:
    p = edge.props
    value = p.get("percentage")
    if value is None:
        value = p.get("pct_min")
    return float(value or 0.0)


def _valid(edge: Edge, day: str) -> bool:
    start, end = edge.props.get("start") or "", edge.props.get("end")
    return start <= day and (end is None or day < end)


Score = Callable[[list[Edge]], float | None]


def _periods(edges: list[Edge], score: Score
             ) -> Iterator[tuple[str, str | None, list[Edge], float]]:
    """Maximal periods `[start, end)` over which `score(valid edges)` is not None, with the
    edges valid in any part of the period and the highest score; breakpoints are the
    edges' starts and ends (an unknown start counts from the beginning of time)."""
    points = sorted({e.props.get("start") or "" for e in edges}
                    | {e.props["end"] for e in edges if e.props.get("end")})
    opened: str | None = None
    involved: dict[str, Edge] = {}
    worst = 0.0
    for point in points:
        valid = [e for e in edges if _valid(e, point)]
        value = score(valid)
        if value is not None:
            if opened is None:
                opened, involved, worst = point, {}, value
            involved.update((e.eid, e) for e in valid)
            worst = max(worst, value)
        elif opened is not None:
            yield opened, point, list(involved.values()), worst
            opened = None
    if opened is not None:
        yield opened, None, list(involved.values()), worst


def _over_100(valid: list[Edge]) -> float | None:
    total = sum(_low_share(e) for e in valid)
    return round(total, 4) if total > 100 + TOLERANCE else None


def over_allocations(holdings: Iterable[Edge]) -> list[Inconsistency]:
    """Periods where an enterprise's direct holders total more than 100 % (low bounds;
    declared indirect figures are summaries, not holdings, and are left out)."""
    by_enterprise: dict[str, list[Edge]] = defaultdict(list)
    for edge in holdings:
        if edge.props.get("direct") is not False:
            by_enterprise[edge.target].append(edge)
    found: list[Inconsistency] = []
    for enterprise, edges in sorted(by_enterprise.items()):
        found.extend(
            Inconsistency("over_100", enterprise, start or None, end,
                          tuple(_fact(e, _low_share(e)) for e in _ordered(involved)), total)
            for start, end, involved, total in _periods(edges, _over_100))
    return found


def sole_role_overlaps(roles: Iterable[Edge]) -> list[Inconsistency]:
    """Periods where an enterprise has two holders of a sole role (legal representative)."""
    by_enterprise: dict[str, list[Edge]] = defaultdict(list)
    for edge in roles:
        if edge.type in SOLE_ROLES:
            by_enterprise[edge.target].append(edge)
    return [Inconsistency("sole_role_overlap", enterprise, start or None, end,
                          tuple(_fact(e, None) for e in _ordered(involved)))
            for enterprise, edges in sorted(by_enterprise.items())
            for start, end, involved, _ in _periods(
                edges, lambda v: 1.0 if len({e.source for e in v}) > 1 else None)]


def _ordered(edges: Iterable[Edge]) -> list[Edge]:
    return sorted(edges, key=lambda e: (e.props.get("start") or "", e.source, e.eid))

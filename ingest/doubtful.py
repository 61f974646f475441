"""Doubtful facts a load flags, checked against the store, not the file alone.

While a table loads, the relationships it writes that a consistency rule covers are noted
(a few fields each); when the table is written, they are judged together with what the
store holds for the same enterprises (`graph.consistency`), so a second file that pushes
a company past 100 % is flagged too. Each inconsistency involving this load becomes one
warning on the last of its lines in the file, naming every line and date involved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from graph.consistency import Inconsistency, over_allocations, sole_role_overlaps
from graph.records import Edge
from graph.store import Store, VersionedRow

#: The rule judging each relationship type.
RULES: dict[str, Callable[[Iterable[Edge]], list[Inconsistency]]] = {
    "HOLDS_SHARES": over_allocations,
    "LEGAL_REPRESENTATIVE": sole_role_overlaps,
}
#: The fields a rule reads.
KEPT = ("start", "end", "percentage", "pct_min", "direct", "file", "line")
#: The warning kind (summary group) of each inconsistency.
KINDS = {"over_100": "holders over 100%", "sole_role_overlap": "overlapping legal representatives"}
FIELDS = {"over_100": "percentage", "sole_role_overlap": "start"}
READ_CHUNK = 5000

Warning = tuple[int, str, str, str, str]  # line, field, value, reason, kind


Noted = tuple[str, str, str | None, str | None, float | None, float | None, bool | None,
              str | None, int | None]  # key, source, start, end, pct, pct_min, direct, file, line


class DoubtfulFacts:
    """The relationships of one table's load that a rule covers, a compact tuple each (a
    large load notes millions), grouped by enterprise."""

    def __init__(self) -> None:
        self._noted: dict[str, dict[str, list[Noted]]] = defaultdict(lambda: defaultdict(list))

    def note(self, rel_type: str, row: VersionedRow) -> None:
        if rel_type in RULES:
            p = row.props
            self._noted[rel_type][str(row.target)].append((
                row.uid, str(row.source), p.get("start"), p.get("end"), p.get("percentage"),
                p.get("pct_min"), p.get("direct"), p.get("file"), p.get("line")))

    def judge(self, store: Store | None) -> Iterator[Warning]:
        """The warnings about what was noted, judged with what `store` holds for the same
        enterprises (None: judge the load alone, e.g. a bulk load into an empty store).
        Clears what was noted."""
        for rel_type, by_target in self._noted.items():
            targets = iter(sorted(by_target))
            while chunk := list(islice(targets, READ_CHUNK)):
                stored: dict[str, list[Edge]] = defaultdict(list)
                for edge in store.adjacent(chunk, [rel_type], "in") if store else []:
                    stored[edge.target].append(edge)
                for target in chunk:
                    yield from _judged(rel_type, target, by_target[target], stored[target])
        self._noted.clear()


def _judged(rel_type: str, target: str, noted: list[Noted],
            stored: list[Edge]) -> Iterator[Warning]:
    """The warnings about one enterprise: this load's facts and the store's, together."""
    mine = {key: Edge(rel_type, source, target, key, dict(zip(KEPT, (
        start, end, pct, low, direct, file, line), strict=True)))
            for key, source, start, end, pct, low, direct, file, line in noted}
    edges = {**{e.eid: e for e in stored}, **mine}
    for found in RULES[rel_type](edges.values()):
        lines = [int(f["line"]) for f in found.facts if f["key"] in mine and f["line"] is not None]
        if lines:
            value = f"{found.total:g}%" if found.total is not None else found.start or ""
            yield max(lines), FIELDS[found.kind], value, found.describe(), KINDS[found.kind]

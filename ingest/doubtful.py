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
KEPT = ("percentage", "pct_min", "start", "end", "direct", "file", "line")
#: The warning kind (summary group) of each inconsistency.
KINDS = {"over_100": "holders over 100%", "sole_role_overlap": "overlapping legal representatives"}
FIELDS = {"over_100": "percentage", "sole_role_overlap": "start"}
READ_CHUNK = 5000

Warning = tuple[int, str, str, str, str]  # line, field, value, reason, kind


class DoubtfulFacts:
    """The relationships of one table's load that a rule covers."""

    def __init__(self) -> None:
        self._edges: dict[str, dict[str, Edge]] = defaultdict(dict)

    def note(self, rel_type: str, row: VersionedRow) -> None:
        if rel_type in RULES:
            props = {name: row.props.get(name) for name in KEPT}
            self._edges[rel_type][row.uid] = Edge(rel_type, str(row.source),
                                                  str(row.target), row.uid, props)

    def judge(self, store: Store | None) -> Iterator[Warning]:
        """The warnings about what was noted, judged with what `store` holds for the same
        enterprises (None: judge the load alone, e.g. a bulk load into an empty store).
        Clears what was noted."""
        for rel_type, mine in self._edges.items():
            edges = dict(mine)
            if store is not None:
                targets = iter(sorted({e.target for e in mine.values()}))
                while chunk := list(islice(targets, READ_CHUNK)):
                    for edge in store.adjacent(chunk, [rel_type], "in"):
                        edges.setdefault(edge.eid, edge)
            for found in RULES[rel_type](edges.values()):
                lines = [int(f["line"]) for f in found.facts
                         if f["key"] in mine and f["line"] is not None]
                if lines:
                    value = f"{found.total:g}%" if found.total is not None else found.start or ""
                    yield (max(lines), FIELDS[found.kind], value, found.describe(),
                           KINDS[found.kind])
        self._edges.clear()

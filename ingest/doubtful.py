"""Doubtful facts a load flags, checked against the store, not the file alone.

While a table loads, the relationships it writes that a consistency rule covers are noted
(a few fields each); when the table is written, they are judged together with what the
store holds for the same enterprises (`graph.consistency`), so a second file that pushes
a company past 100 % is flagged too. Each inconsistency involving this load becomes one
warning on the last of its lines in the file, naming every line and date involved.
"""

from __future__ import annotations

import math
import struct
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby, islice

from credtrace.graph.consistency import Inconsistency, over_allocations, sole_role_overlaps
from credtrace.graph.model import Rel
from credtrace.graph.records import Edge
from credtrace.graph.store import Reader, VersionedRow

#: The rule judging each relationship type.
RULES: dict[str, Callable[[Iterable[Edge]], list[Inconsistency]]] = {
    Rel.HOLDS_SHARES: over_allocations,
    Rel.LEGAL_REPRESENTATIVE: sole_role_overlaps,
}
#: The warning kind (summary group) of each inconsistency.
KINDS = {"over_100": "holders over 100%", "sole_role_overlap": "overlapping legal representatives"}
FIELDS = {"over_100": "percentage", "sole_role_overlap": "start"}
READ_CHUNK = 5000

Warning = tuple[int, str, str, str, str]  # line, field, value, reason, kind

#: A noted fact's fixed part: start and end (date ids), percentage, pct_min (NaN: none),
#: direct (-1: unknown), file id and line (-1: none).
_FIXED = struct.Struct("<iiddbhi")
_SEP = b"\x1f"


class DoubtfulFacts:
    """The relationships of one table's load that a rule covers. A large load notes
    millions, so each is one bytes value (enterprise, key, holder, then the fields packed),
    about 150 bytes; sorted, they group by enterprise."""

    def __init__(self) -> None:
        self._noted: dict[str, list[bytes]] = defaultdict(list)
        self._ids: dict[str, int] = {}  # dates and file names, each kept once
        self._texts: list[str] = []

    def _id(self, text: str | None) -> int:
        if text is None:
            return -1
        if text not in self._ids:
            self._ids[text] = len(self._texts)
            self._texts.append(text)
        return self._ids[text]

    def note(self, rel_type: str, row: VersionedRow) -> None:
        if rel_type not in RULES:
            return
        p = row.props
        pct, low, direct, line = (p.get("percentage"), p.get("pct_min"), p.get("direct"),
                                  p.get("line"))
        fixed = _FIXED.pack(
            self._id(p.get("start")), self._id(p.get("end")),
            math.nan if pct is None else float(pct), math.nan if low is None else float(low),
            -1 if direct is None else int(direct), self._id(p.get("file")),
            -1 if line is None else int(line))
        self._noted[rel_type].append(_SEP.join(
            (str(row.target).encode(), row.uid.encode(), str(row.source).encode(), fixed)))

    def _unpacked(self, rel_type: str, noted: bytes) -> Edge:
        head, fixed = noted[:-_FIXED.size], noted[-_FIXED.size:]
        target, key, source = head[:-1].decode().split("\x1f", 2)
        texts = self._texts
        start, end, pct, low, direct, file, line = _FIXED.unpack(fixed)
        return Edge(rel_type, source, target, key, {
            "start": texts[start] if start >= 0 else None,
            "end": texts[end] if end >= 0 else None,
            "percentage": None if math.isnan(pct) else pct,
            "pct_min": None if math.isnan(low) else low,
            "direct": None if direct < 0 else bool(direct),
            "file": texts[file] if file >= 0 else None, "line": None if line < 0 else line})

    def judge(self, store: Reader | None) -> Iterator[Warning]:
        """The warnings about what was noted, judged with what `store` holds for the same
        enterprises (None: judge the load alone, e.g. a bulk load into an empty store).
        Clears what was noted."""
        for rel_type, noted in self._noted.items():
            noted.sort(key=_enterprise)  # its facts adjacent, in the order they came
            groups = ((target, list(facts)) for target, facts
                      in groupby(noted, key=lambda n: _enterprise(n).decode()))
            while chunk := list(islice(groups, READ_CHUNK)):
                mine = {target: [self._unpacked(rel_type, n) for n in facts]
                        for target, facts in chunk}
                stored: dict[str, list[Edge]] = defaultdict(list)
                for edge in store.adjacent(list(mine), [rel_type], "in") if store else []:
                    stored[edge.target].append(edge)
                for target, edges in mine.items():
                    yield from _judged(rel_type, edges, stored[target])
        self._noted.clear()
        self._ids.clear()
        self._texts.clear()


def _enterprise(noted: bytes) -> bytes:
    return noted[:noted.index(_SEP)]


def _judged(rel_type: str, noted: list[Edge], stored: list[Edge]) -> Iterator[Warning]:
    """The warnings about one enterprise: this load's facts and the store's, together."""
    mine = {e.eid: e for e in noted}
    edges = {**{e.eid: e for e in stored}, **mine}
    for found in RULES[rel_type](edges.values()):
        lines = [int(f["line"]) for f in found.facts if f["key"] in mine and f["line"] is not None]
        if lines:
            value = f"{found.total:g}%" if found.total is not None else found.start or ""
            yield max(lines), FIELDS[found.kind], value, found.describe(), KINDS[found.kind]

"""A company's holders must not exceed 100 % on any date.

Rows are taken in order of start date (unknown first) and line; a row that would take the
total above 100 % on its start date is rejected, naming the date and the total.

>>> over_allocated([(2, "E", "2020-01-01", None, 60.0), (3, "E", "2021-01-01", None, 50.0)])
{3: 'holders of E would total 110% on 2021-01-01'}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.tables import Writes

TOLERANCE = 0.01
Holding = tuple[int, str, str | None, str | None, float]  # line, enterprise, start, end, pct


def contribution(line: int, row: dict[str, str],
                 writes: Writes) -> tuple[Holding, str] | None:
    """What the 100 % check needs of a shareholdings row, with the percentage as written;
    None for a declared indirect figure (already counted in the chain it summarises)."""
    (_, edge), = writes.edges
    content = edge.content
    if content["direct"] is False:
        return None
    pct = content["percentage"]
    pct = content["pct_min"] if pct is None else pct
    holding = line, str(edge.target), content["start"], content["end"], pct or 0.0
    return holding, row.get("percentage", "")


def refused(contributions: Iterable[tuple[Holding, str] | None]) -> dict[
        int, tuple[str, str, str]]:
    """The rows the 100 % check refuses: line -> (field, value as written, reason)."""
    holdings: list[Holding] = []
    written: dict[int, str] = {}
    for found in contributions:
        if found is not None:
            holding, written[found[0][0]] = found
            holdings.append(holding)
    return {line: ("percentage", written[line], reason)
            for line, reason in over_allocated(holdings).items()}


def over_allocated(holdings: Iterable[Holding]) -> dict[int, str]:
    """Lines whose holding takes its enterprise above 100 %, with the reason."""
    by_enterprise: dict[str, list[Holding]] = defaultdict(list)
    for holding in holdings:
        by_enterprise[holding[1]].append(holding)
    rejected: dict[int, str] = {}
    for enterprise, rows in by_enterprise.items():
        rows.sort(key=lambda h: (h[2] or "", h[0]))
        accepted: list[Holding] = []
        for line, _, start, end, pct in rows:
            day = start or ""
            total = pct + sum(
                a[4] for a in accepted if (a[2] or "") <= day and (a[3] is None or day < a[3])
            )
            if total > 100 + TOLERANCE:
                when = start or "an unknown date"
                rejected[line] = f"holders of {enterprise} would total {total:g}% on {when}"
            else:
                accepted.append((line, enterprise, start, end, pct))
    return rejected

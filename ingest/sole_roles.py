"""A legal-person enterprise has exactly one legal representative at a time (domain §2).

Overlapping legal-representative intervals are loaded (both persons may be accountable)
but flagged, naming the other row and the first day both hold the role.

>>> overlaps([(2, "E", "2019-01-01", "2021-06-15"), (3, "E", "2021-06-01", None)])
{3: 'overlaps line 2: two legal representatives of E on 2021-06-01'}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

#: Roles of which an enterprise has one holder at a time.
SOLE_ROLES = frozenset({"LEGAL_REPRESENTATIVE"})
Interval = tuple[int, str, str | None, str | None]  # line, enterprise, start, end


def overlaps(intervals: Iterable[Interval]) -> dict[int, str]:
    """Lines whose interval overlaps an earlier-starting one of the same enterprise."""
    by_enterprise: dict[str, list[Interval]] = defaultdict(list)
    for interval in intervals:
        by_enterprise[interval[1]].append(interval)
    flagged: dict[int, str] = {}
    for enterprise, rows in by_enterprise.items():
        rows.sort(key=lambda r: (r[2] or "", r[0]))
        for (line_a, _, _, end_a), (line_b, _, start_b, _) in zip(rows, rows[1:], strict=False):
            if start_b is not None and (end_a is None or start_b < end_a):
                flagged[line_b] = (f"overlaps line {line_a}: two legal representatives of "
                                   f"{enterprise} on {start_b}")
    return flagged

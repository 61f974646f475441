"""A repair may not come before the minimum publication period is served (信用修复管理办法:
the minimum counted from the decision date; docs/law.md). `record_event` refuses such a
`repaired` event with the reason and the date repair becomes possible.

>>> from credtrace.graph.memory import MemoryStore
>>> repair_refusal(MemoryStore(), "no-such-measure", "2026-05-01") is None
True
"""

from __future__ import annotations

from datetime import date

from credtrace.graph.law import (
    decision_date,
    publication_window,
    rule_date,
    version_for,
    versions_of,
)
from credtrace.graph.model import Label
from credtrace.graph.store import Reader


def repair_refusal(store: Reader, measure_id: str, day: str) -> str | None:
    """Why a repair of `measure_id` on `day` is refused, or None (also when the measure
    or the date cannot be read: the event's own validation reports that)."""
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    measure = store.get_node(measure_id)
    if measure is None or measure.kind != Label.MEASURE:
        return None
    kind = store.get_node(measure.props.get("kind") or "")
    if kind is None or kind.kind != Label.MEASURE_KIND:
        return None
    decided, versions = decision_date(measure.props), versions_of(kind.props)
    dated_by = versions[-1].get("dated_by") if versions else None
    version = version_for(versions, rule_date(measure.props, dated_by),
                          measure.props.get("sector"))
    window = publication_window(decided, version)
    if window.repair_from is None or day >= window.repair_from:
        return None
    return (f"repair before the minimum publication period: decided {decided}, repair "
            f"possible from {window.repair_from} ({window.basis or 'catalogue'})")

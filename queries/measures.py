"""The state of a measure on a date, from its interval and its due-process events (R3).

Repair, exit or an upheld objection end the measure on the event's date; an objection
filed and not yet decided shows as `under_objection` (still in force). A status that says
repaired or exited without a dated event leaves the answer uncertain.

>>> state({"start": "2021-01-10", "end": None, "status": "active"}, [], "2022-01-01").status
'active'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, cast

from typing_extensions import TypedDict

from credtrace.graph.law import Window
from credtrace.graph.lifecycle import ENDING_EVENTS
from credtrace.graph.model import Rel
from credtrace.graph.records import Node
from credtrace.graph.store import Reader
from credtrace.queries.common import MeasureKind


class State(TypedDict):
    """A measure's state on a date, as answers show it (`MeasureState`)."""

    status: str
    in_force: bool | None
    ended_on: str | None
    reason: str
    repair_from: str | None
    ends_by_itself: str | None
    rule: str | None


@dataclass(frozen=True)
class MeasureState:
    """Whether a measure is in force on a date, and why; with its publication window
    (repair possible from, ends by itself on) where the catalogue gives one."""

    status: str  # one of graph.lifecycle.STATES
    in_force: bool | None
    ended_on: str | None = None
    reason: str = ""
    repair_from: str | None = None
    ends_by_itself: str | None = None
    rule: str | None = None  # legal basis of the catalogue version applied

    def as_dict(self) -> State:
        return cast(State, asdict(self))


def early_repairs(events: list[dict[str, Any]], window: Window) -> list[dict[str, Any]]:
    """Repair events dated before the minimum publication period is served."""
    return [e for e in events if e["event"] == "repaired" and window.repair_from
            and e["date"] < window.repair_from]


def state(props: dict[str, Any], events: list[dict[str, Any]], on: str,
          kind: MeasureKind | None = None) -> MeasureState:
    """The state on `on` of a measure with `props` and due-process `events`, under the
    catalogue version `kind` (its publication window) when given.

    A repair dated before the window's `repair_from` does not end the measure (it is
    named in the reason); the measure ends by itself on the window's `ends_on`.

    >>> kind = MeasureKind("administrative_penalty", "行政处罚信息", False, (), (), (), 1,
    ...                    publication_min_months=3, publication_max_months=12)
    >>> props = {"start": "2026-04-01", "end": None, "status": "active"}
    >>> early = [{"event": "repaired", "date": "2026-05-01", "note": None}]
    >>> state(props, early, "2026-06-01", kind).reason
    'repair on 2026-05-01 not effective: possible from 2026-07-01'
    >>> state(props, [], "2027-04-01", kind).status
    'expired'
    """
    window = kind.window(props) if kind else Window()
    early = early_repairs(events, window)
    current = _state(props, [e for e in events if e not in early], on, window)
    notes = [f"repair on {e['date']} not effective: possible from {window.repair_from}"
             for e in early if e["date"] <= on]
    reason = "; ".join(filter(None, [current.reason, *notes])) if current.in_force \
        else current.reason
    return replace(current, reason=reason, repair_from=window.repair_from,
                   ends_by_itself=window.ends_on, rule=window.basis)


def _state(props: dict[str, Any], events: list[dict[str, Any]], on: str,
           window: Window) -> MeasureState:
    start, end = props.get("start"), props.get("end")
    if start is None:
        return MeasureState("uncertain", None, reason="start date unknown")
    if on < start:
        return MeasureState("not_started", False, reason=f"starts {start}")
    past = sorted((e for e in events if e["date"] <= on), key=lambda e: (e["date"], e["event"]))
    by_itself = window.ends_on
    for event in past:
        if event["event"] in ENDING_EVENTS and (by_itself is None or event["date"] < by_itself):
            return MeasureState(event["event"], False, event["date"],
                                f"{event['event']} on {event['date']}")
    if by_itself is not None and on >= by_itself and (end is None or by_itself < end):
        return MeasureState("expired", False, by_itself,
                            f"ended by itself on {by_itself} ({window.basis or 'catalogue'})")
    if end is not None and on >= end:
        return MeasureState("expired", False, end, f"period ended {end}")
    if props.get("status") in ("repaired", "exited") and not any(
        e["event"] in ENDING_EVENTS for e in events
    ):
        return MeasureState("uncertain", None,
                            reason=f"status is {props['status']} but no dated event records when")
    objection = None
    for event in past:
        if event["event"] == "objection_filed":
            objection = event["date"]
        elif event["event"] == "objection_rejected":
            objection = None
    if objection:
        return MeasureState("under_objection", True, reason=f"objection filed {objection}")
    return MeasureState("active", True)


def events_of(store: Reader, measure_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Due-process events per measure."""
    result: dict[str, list[dict[str, Any]]] = {m: [] for m in measure_ids}
    edges = store.adjacent(measure_ids, [Rel.EVENT_OF], "in")
    nodes = store.get_nodes(e.source for e in edges)
    for edge in edges:
        node = nodes[edge.source]
        result[edge.target].append({k: node.props.get(k) for k in ("event", "date", "note")})
    for items in result.values():
        items.sort(key=lambda e: (e["date"], e["event"]))
    return result


def measures_on(store: Reader, subject: str) -> list[Node]:
    """Measures imposed directly on `subject` (any date)."""
    edges = store.adjacent([subject], [Rel.IMPOSED_ON], "in")
    return sorted(store.get_nodes(e.source for e in edges).values(), key=lambda n: n.uid)

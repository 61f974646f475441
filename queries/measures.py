"""The state of a measure on a date, from its interval and its due-process events (R3).

Repair, exit or an upheld objection end the measure on the event's date; an objection
filed and not yet decided shows as `under_objection` (still in force). A status that says
repaired or exited without a dated event leaves the answer uncertain.

>>> state({"start": "2021-01-10", "end": None, "status": "active"}, [], "2022-01-01").status
'active'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from graph.records import Node
from graph.store import Store

ENDING_EVENTS = {"repaired": "repaired", "exited": "exited", "objection_upheld": "objection_upheld"}


@dataclass(frozen=True)
class MeasureState:
    """Whether a measure is in force on a date, and why."""

    status: str  # active, under_objection, repaired, exited, objection_upheld, expired,
    #              not_started, uncertain
    in_force: bool | None
    ended_on: str | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def state(props: dict[str, Any], events: list[dict[str, Any]], on: str) -> MeasureState:
    """The state on `on` of a measure with `props` and due-process `events`."""
    start, end = props.get("start"), props.get("end")
    if start is None:
        return MeasureState("uncertain", None, reason="start date unknown")
    if on < start:
        return MeasureState("not_started", False, reason=f"starts {start}")
    past = sorted((e for e in events if e["date"] <= on), key=lambda e: (e["date"], e["event"]))
    for event in past:
        if event["event"] in ENDING_EVENTS:
            name = ENDING_EVENTS[event["event"]]
            return MeasureState(name, False, event["date"], f"{event['event']} on {event['date']}")
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


def events_of(store: Store, measure_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Due-process events per measure."""
    result: dict[str, list[dict[str, Any]]] = {m: [] for m in measure_ids}
    edges = store.adjacent(measure_ids, ["EVENT_OF"], "in")
    nodes = store.get_nodes(e.source for e in edges)
    for edge in edges:
        node = nodes[edge.source]
        result[edge.target].append({k: node.props.get(k) for k in ("event", "date", "note")})
    for items in result.values():
        items.sort(key=lambda e: (e["date"], e["event"]))
    return result


def measures_on(store: Store, subject: str) -> list[Node]:
    """Measures imposed directly on `subject` (any date)."""
    edges = store.adjacent([subject], ["IMPOSED_ON"], "in")
    return sorted(store.get_nodes(e.source for e in edges).values(), key=lambda n: n.uid)

"""Due-process integrity: the rules an objection, repair or exit must keep before it loads.

A measure's events decide whether it is in force (R3), so a bad one can end a measure
that is still owed. Every event, from a bundle's `measure_events.csv` or the API, passes
`DueProcess.admit`, which refuses it with the reason when

- its date is after today, or before the measure's start;
- it answers nothing: an upheld or rejected objection needs an objection filed on or
  before its date and not yet decided;
- it repeats what cannot repeat: an objection while another is open, a repair, exit or
  upheld objection after the measure has ended (each ends it once), an objection filed
  after the end.

The same event recorded again (same measure, kind and date) is admitted: it changes
nothing. Events are judged in file order against the store and the events admitted
earlier in the run, so a file lists a filing before its decision. The rules are the
functions of `RULES` (each: the event, the measure's start and its earlier events ->
a reason or None); a rule added there applies to both paths.

>>> guard = DueProcess(None, today="2024-06-30")
>>> guard.learn_measure("M1", "2024-01-01")
>>> guard.judge("M1", "objection_rejected", "2024-03-01")
'objection_rejected answers no open objection filed on or before 2024-03-01'
>>> guard.judge("M1", "objection_filed", "2024-02-01") is None
True
>>> guard.judge("M1", "objection_rejected", "2024-01-15")
'objection_rejected answers no open objection filed on or before 2024-01-15'
>>> guard.judge("M1", "repaired", "2025-01-01")
'dated after today (2024-06-30)'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from credtrace.graph.lifecycle import DECISIONS, ENDING_EVENTS
from credtrace.graph.model import Rel
from credtrace.graph.store import Reader

#: Same-day order: a filing comes before its decision, a decision before an end.
_RANK = {"objection_filed": 0, "objection_upheld": 1, "objection_rejected": 1,
         "repaired": 2, "exited": 2}


@dataclass(frozen=True)
class Event:
    """One due-process event as the rules see it."""

    name: str
    day: str


def _ordered(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.day, _RANK[e.name]))


def _open_objection(earlier: list[Event], until: str) -> str | None:
    """The date of the objection still open on `until`, if any."""
    filed = None
    for event in _ordered([e for e in earlier if e.day <= until]):
        if event.name == "objection_filed":
            filed = event.day
        elif event.name in DECISIONS:
            filed = None
    return filed


def not_after_today(event: Event, start: str | None, earlier: list[Event],
                    today: str) -> str | None:
    return f"dated after today ({today})" if event.day > today else None


def not_before_start(event: Event, start: str | None, earlier: list[Event],
                     today: str) -> str | None:
    if start is not None and event.day < start:
        return f"dated before the measure's start {start}"
    return None


def answers_an_objection(event: Event, start: str | None, earlier: list[Event],
                         today: str) -> str | None:
    if event.name in DECISIONS and _open_objection(earlier, event.day) is None:
        return f"{event.name} answers no open objection filed on or before {event.day}"
    return None


def one_objection_at_a_time(event: Event, start: str | None, earlier: list[Event],
                            today: str) -> str | None:
    if event.name == "objection_filed":
        filed = _open_objection(earlier, event.day)
        if filed is not None:
            return f"an objection filed {filed} is still open"
    return None


def ends_once(event: Event, start: str | None, earlier: list[Event],
              today: str) -> str | None:
    if event.name in ENDING_EVENTS or event.name == "objection_filed":
        ended = [e for e in _ordered(earlier) if e.name in ENDING_EVENTS]
        if ended and (event.name in ENDING_EVENTS or ended[0].day <= event.day):
            return f"the measure already ended: {ended[0].name} on {ended[0].day}"
    return None


Rule = Callable[[Event, str | None, list[Event], str], str | None]
#: Checked in order; the first reason refuses the event.
RULES: tuple[Rule, ...] = (not_after_today, not_before_start, ends_once,
                           answers_an_objection, one_objection_at_a_time)


class DueProcess:
    """The rules applied to one run: remembers the measures and events it has seen.

    `store` None judges only what the run has seen (and the doctests)."""

    def __init__(self, store: Reader | None, *, today: str | None = None) -> None:
        self.store = store
        self.today = today or date.today().isoformat()
        self._starts: dict[str, str | None] = {}
        self._events: dict[str, list[Event]] = {}

    def learn_measure(self, measure_id: str, start: str | None) -> None:
        """A measure loaded in this run (its start bounds its events)."""
        self._starts[measure_id] = start

    def admit(self, edges: list[tuple[str, Any]]) -> tuple[str, str, str] | None:
        """(field, value, reason) refusing a prepared row, or None. Read from its
        relationships (type, row with `source`, `target` and `props`; a bulk load keeps
        only their dates): a measure's `IMPOSED_ON` is remembered with its start, an
        event's `EVENT_OF` (key ``measure#event#date``, dated) judged, and remembered when
        admitted."""
        for rel_type, row in edges:
            if rel_type == Rel.IMPOSED_ON:
                self.learn_measure(row.source, row.props.get("start"))
            elif rel_type == Rel.EVENT_OF:
                measure_id, day = row.target, row.props["start"]
                name = row.source[len(measure_id) + 1:-len(day) - 1]
                reason = self.judge(measure_id, name, day)
                return ("date", day, reason) if reason else None
        return None

    def judge(self, measure_id: str, name: str, day: str) -> str | None:
        """The reason the event is refused, or None (then it counts for later events)."""
        earlier = self._history(measure_id)
        event = Event(name, day)
        if event in earlier:
            return None
        start = self._starts.get(measure_id)
        for rule in RULES:
            reason = rule(event, start, earlier, self.today)
            if reason:
                return reason
        earlier.append(event)
        return None

    def _history(self, measure_id: str) -> list[Event]:
        """The measure's events: read from the store once, then kept up to date."""
        if measure_id in self._events:
            return self._events[measure_id]
        events: list[Event] = []
        store = self.store
        if store is not None:
            if measure_id not in self._starts:
                node = store.get_node(measure_id)
                self._starts[measure_id] = node.props.get("start") if node else None
            edges = store.adjacent([measure_id], [Rel.EVENT_OF], "in")
            nodes = store.get_nodes(e.source for e in edges)
            events = [Event(n.props["event"], n.props["date"]) for n in nodes.values()
                      if n.props.get("event") in _RANK and n.props.get("date")]
        self._events[measure_id] = events
        return events

"""Enterprise events with statutory consequences for persons (`enterprise_events.csv`):
licence revoked (吊销), ordered closed (责令关闭), end of a bankruptcy liquidation, listing
on the serious-violation list.

Each event loads as a measure on the enterprise whose catalogue kind (the event's name)
says whom it reaches, for how long (`period_months`, counted from the event's date: for a
bankruptcy, the end of liquidation), which roles it forbids and on what legal basis; R1
then derives the personal disqualification to whoever held the reached roles on
`roles_on` (default: the event's date). Where the law asks for personal responsibility
(Company Law art. 178), the row says so: `personally_responsible` (true/false; empty:
unknown, the persons are listed as uncertain) or the persons named in
`responsible_persons` (`;`-separated keys; only they are reached).

>>> w = enterprise_event({"event_id": "E1", "enterprise": "91410105MA4JURQ20A",
...     "event": "licence_revoked", "date": "2024-09-10", "personally_responsible": "是"},
...     kinds=("licence_revoked",))
>>> w.nodes[0][1].content["start"], w.nodes[0][1].content["personally_responsible"]
('2024-09-10', True)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from credtrace.graph.model import Label, Rel
from credtrace.graph.store import EntityRow, edge_key
from credtrace.ingest.fields import (
    FieldError,
    choice,
    parse_bool,
    parse_date,
    required,
    split_list,
    text,
)
from credtrace.ingest.tables import Writes, person_key, uscc

EVENTS = ("licence_revoked", "ordered_closed", "bankruptcy_liquidation",
          "serious_violation_list")


def enterprise_event(row: dict[str, str], *, kinds: tuple[str, ...]) -> Writes:
    """One event as a measure on its enterprise (a kind of the catalogue)."""
    event_id = required(row.get("event_id"), "event_id")
    enterprise = uscc(row.get("enterprise"), "enterprise")
    kind = choice(row.get("event"), "event", tuple(e for e in EVENTS if e in kinds))
    day = required(parse_date(row.get("date"), "date", required_=True), "date")
    roles_on = parse_date(row.get("roles_on"), "roles_on") or day
    if roles_on > day:
        raise FieldError("roles_on", roles_on, f"after the event's date {day}")
    flag = row.get("personally_responsible")
    named = [person_key(p, "responsible_persons")
             for p in split_list(row.get("responsible_persons"))]
    authority = text(row.get("authority"))
    content = {
        "kind": kind, "conduct_date": roles_on, "start": day, "end": None,
        "authority": authority, "legal_basis": text(row.get("legal_basis")),
        "status": "active", "subject": enterprise, "subject_kind": "enterprise",
        "personally_responsible": parse_bool(flag, "personally_responsible")
        if text(flag) else None,
        "responsible": named or None,
    }
    edges = [(Rel.IMPOSED_ON, EntityRow(edge_key(Rel.IMPOSED_ON, event_id, enterprise),
                                      {"start": day, "end": None},
                                      source=event_id, target=enterprise))]
    nodes = [(Label.MEASURE, EntityRow(event_id, content))]
    if authority:
        nodes.insert(0, (Label.AUTHORITY, EntityRow(authority, {"name": authority})))
        edges.append((Rel.DETERMINED_BY, EntityRow(edge_key(Rel.DETERMINED_BY, event_id, authority),
                                                 {}, source=event_id, target=authority)))
    return Writes(key=event_id, nodes=nodes, edges=edges,
                  refs=[(Label.ENTERPRISE, enterprise, "enterprise"),
                        *((Label.PERSON, p, "responsible_persons") for p in named)])


def make_enterprise_event(kinds: set[str]) -> Callable[[dict[str, str]], Writes]:
    """The converter for a catalogue (picklable, like `ingest.tables.make_measure`)."""
    return partial(enterprise_event, kinds=tuple(sorted(kinds)))

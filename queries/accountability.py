"""R1 accountability: who a measure on an enterprise reaches, with the evidence.

A measure that reaches persons, for conduct on date d, reaches every person who held a
responsibility role AT d: legal representative or principal, actual controller (declared,
or derived through control chains) and the roles the measure's kind names. A role whose
start is unknown at d goes to `uncertain` with the reason. The derived personal measure
follows its source's state (R3): repair, exit or an upheld objection ends it the same day.
Derived measures never reach the person's other enterprises (R2).
"""

from __future__ import annotations

from typing import Any

from graph.model import MODEL
from graph.records import Edge, Node
from graph.store import Store
from graph.timeline import Validity, uncertainty_reason, validity
from queries.common import (
    EntityNotFound,
    MeasureKind,
    as_of_date,
    catalogue,
    interval,
    key_forms,
    party,
    provenance,
    require_node,
)
from queries.data_quality import alternative_controllers, control_quality, notes
from queries.measures import events_of, measures_on, state
from queries.ownership import actual_controller, upward_plan

#: What `reached_by` reads of an enterprise (`Store.prefetch`): its roles and the chains
#: above it.
REACHED_PLAN = upward_plan(MODEL.rels_of("role"))
#: What `accountable` reads: the same, the measures on the enterprise and their events.
READ_PLAN = upward_plan(("IMPOSED_ON", *MODEL.rels_of("role")),
                        {"Measure": ((("EVENT_OF",), "in"),)})


def measure_step(measure: Node, kind: MeasureKind | None) -> dict[str, Any]:
    """The source measure as the first evidence step."""
    p = measure.props
    return {
        "step": "measure", "id": measure.uid, "kind": p.get("kind"),
        "kind_zh": kind.name_zh if kind else None, "conduct_date": p.get("conduct_date"),
        "start": p.get("start"), "end": p.get("end"), "authority": p.get("authority"),
        "legal_basis": p.get("legal_basis"), "provenance": provenance(p),
    }


def role_step(edge: Edge, role: str) -> dict[str, Any]:
    return {"step": "role", "role": role, "person": edge.source, "enterprise": edge.target,
            **interval(edge), "provenance": provenance(edge.props)}


def _role_holders(store: Store, uscc: str, roles: tuple[str, ...],
                  on: str) -> list[tuple[Edge, str, Validity]]:
    types = [MODEL.role_type(r) for r in roles if r in MODEL.roles]
    by_type = {MODEL.role_type(r): r for r in roles if r in MODEL.roles}
    edges = store.adjacent([uscc], types, "in", on)
    return sorted(
        ((e, by_type[e.type], validity(e.start, e.end, on)) for e in edges),
        key=lambda item: (item[1], item[0].source, item[0].eid),
    )


def reached_by(store: Store, enterprise: Node, measure: Node, kind: MeasureKind,
               as_of: str, *, events: list[dict[str, Any]] | None = None,
               ) -> dict[str, list[dict[str, Any]]]:
    """Persons reached by one measure on one enterprise, and the uncertain cases.

    `events` are the measure's due-process events when the caller already has them.
    """
    conduct = measure.props.get("conduct_date")
    head = [measure_step(measure, kind), {"step": "enterprise", **party(enterprise)}]
    if events is None:
        events = events_of(store, [measure.uid])[measure.uid]
    source_state = state(measure.props, events, as_of)
    found: dict[str, dict[str, Any]] = {}
    uncertain: list[dict[str, Any]] = []

    def add(person: Node, role: str, chain: list[dict[str, Any]], reason: str | None) -> None:
        entry: dict[str, Any] = {"person": person.uid, "name": person.name, "roles": [role],
                 "measure": measure.uid, "kind": kind.kind, "derived": True,
                 "state": source_state.as_dict(),
                 "evidence": [*head, *chain, {"step": "person", **party(person)}]}
        if reason:
            uncertain.append({**entry, "reason": reason})
        elif person.uid in found:
            found[person.uid]["roles"].append(role)
            found[person.uid]["evidence"][-1:-1] = entry["evidence"][2:-1]  # one person step
        else:
            found[person.uid] = entry

    if conduct is None:
        reason = "conduct date unknown: cannot tell who held the roles"
        on = measure.props.get("start") or as_of
    else:
        reason, on = None, conduct
    role_names = tuple(r for r in kind.roles if r != "actual_controller")
    holders = _role_holders(store, enterprise.uid, role_names, on)
    people = store.get_nodes(e.source for e, _, _ in holders)
    for edge, role, valid in holders:
        why = reason or (uncertainty_reason(edge.start, edge.end, on)
                         if valid is Validity.UNCERTAIN else None)
        add(people[edge.source], role, [role_step(edge, role)], why)
    if "actual_controller" not in kind.roles:
        quality = notes(store, [enterprise.uid], on)
    else:
        answer = actual_controller(store, enterprise.uid, on)
        quality, doubts = control_quality(store, enterprise.uid, answer.chain, on)
        if answer.controller is not None and answer.controller.kind == "Person":
            role = "actual_controller" + ("" if answer.declared else " (derived)")
            why = reason or "; ".join([*answer.uncertain, *doubts.values()]) or None
            add(answer.controller, role, answer.chain, why)
        if enterprise.uid in doubts and not answer.declared:  # who else may have controlled
            for other in alternative_controllers(store, enterprise.uid, on):
                if other.controller is not None and (
                        answer.controller is None
                        or other.controller.uid != answer.controller.uid):
                    add(other.controller, "actual_controller (derived)", other.chain,
                        doubts[enterprise.uid])
    reached = sorted(found.values(), key=lambda e: e["person"])
    return {"reached": reached, "uncertain": sorted(uncertain, key=lambda e: e["person"]),
            "data_quality": quality}


def accountable(store: Store, uscc: str, *, measure_id: str | None = None,
                as_of: str | None = None) -> dict[str, Any]:
    """R1: the persons reached by each measure on `uscc` that reaches persons.

    >>> from graph.memory import MemoryStore
    >>> from ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> [p["name"] for p in accountable(store, "914101057123456728")["reached"]]
    ['刘洋', '李娜']
    """
    day = as_of_date(as_of)
    store = store.prefetch(key_forms(uscc), READ_PLAN, ["MeasureKind"])
    enterprise = require_node(store, uscc, "Enterprise")
    kinds = catalogue(store)
    measures = [m for m in measures_on(store, enterprise.uid)
                if measure_id is None or m.uid == measure_id]
    if measure_id is not None and not measures:
        raise EntityNotFound(f"no measure {measure_id!r} on {enterprise.uid}")
    answer: dict[str, Any] = {"enterprise": party(enterprise), "as_of": day, "measures": [],
                              "reached": [], "uncertain": [], "data_quality": []}
    for measure in measures:
        kind = kinds.get(measure.props.get("kind", ""))
        if kind is None or not kind.reaches_persons:
            continue
        result = reached_by(store, enterprise, measure, kind, day)
        answer["measures"].append(measure.uid)
        answer["reached"] += result["reached"]
        answer["uncertain"] += result["uncertain"]
        answer["data_quality"] += [n for n in result["data_quality"]
                                   if n not in answer["data_quality"]]
    return answer


def propagate(store: Store, *, as_of: str | None = None) -> list[dict[str, Any]]:
    """R1 over the whole graph: every enterprise measure that reaches persons, with the
    persons it reaches (one `accountable` answer per sanctioned enterprise)."""
    day = as_of_date(as_of)
    kinds = catalogue(store)
    subjects = sorted({
        m.props["subject"] for m in store.nodes("Measure")
        if m.props.get("subject_kind") == "enterprise"
        and kinds.get(m.props.get("kind", "")) is not None
        and kinds[m.props["kind"]].reaches_persons
    })
    return [accountable(store, uscc, as_of=day) for uscc in subjects]

"""R1 accountability: who a measure on an enterprise reaches, with the evidence.

A measure that reaches persons, for conduct on date d, reaches every person who held a
responsibility role AT d: legal representative or principal, actual controller (every
declared one, or derived through control chains under `queries.control`) and the roles the
measure's kind names. A person who may be responsible is reached or listed as uncertain
with the reason, never silently absent: a role whose start is unknown at d, a controller
the data cannot settle (share ranges, ties, a declared controller with an unknown
interval). When d is unknown, everyone whose role or control may meet the window from the
earliest possible conduct date (the enterprise's establishment) to the measure's start is
uncertain (`conduct_window`). The derived personal measure
follows its source's state (R3): repair, exit or an upheld objection ends it the same day.
Derived measures never reach the person's other enterprises (R2).
"""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from credtrace.graph.model import MODEL, Label, Rel
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import Validity, uncertainty_reason, validity
from credtrace.queries.common import (
    EntityNotFound,
    Json,
    MeasureKind,
    Party,
    as_of_date,
    catalogue,
    interval,
    key_forms,
    kind_of,
    party,
    provenance,
    require_node,
)
from credtrace.queries.control import Tri
from credtrace.queries.data_quality import CHECKED, chain_notes
from credtrace.queries.explain import explanation
from credtrace.queries.measures import State, events_of, measures_on, state
from credtrace.queries.ownership import (
    Candidate,
    controllers_on,
    overlaps,
    read_upward,
    upward_plan,
)
from credtrace.queries.statutory import responsibility

#: The earliest possible conduct date when nothing bounds it (an enterprise whose
#: establishment date is unknown).
EARLIEST = "0001-01-01"

#: What `reached_by` reads of an enterprise (`Reader.prefetch`): its roles and the chains
#: above it, with what the data-quality notes read of each enterprise on them.
REACHED_PLAN = upward_plan(MODEL.rels_of("role"), above=CHECKED)
#: What `accountable` reads: the same, the measures on the enterprise and their events.
READ_PLAN = upward_plan((Rel.IMPOSED_ON, *MODEL.rels_of("role")),
                        {Label.MEASURE: (((Rel.EVENT_OF,), "in"),)}, above=CHECKED)


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


def conduct_window(enterprise: Node, measure: Node, as_of: str) -> tuple[str, str]:
    """The dates the conduct may have taken place: the conduct date itself when known;
    else from the earliest possible conduct date (the enterprise's establishment: it cannot
    have acted before it existed; the dawn of the calendar when that is unknown too) to the
    measure's start (or `as_of` when that is unknown as well)."""
    conduct = measure.props.get("conduct_date")
    if conduct is not None:
        return conduct, conduct
    return (enterprise.props.get("established") or EARLIEST,
            measure.props.get("start") or as_of)


def _role_holders(store: Reader, uscc: str, roles: tuple[str, ...], lo: str,
                  hi: str) -> list[tuple[Edge, str, Validity]]:
    """Role relationships of `roles` into `uscc` that may meet `[lo, hi]`, with whether
    they held on `lo` (meaningful when the window is one day)."""
    types = [MODEL.role_type(r) for r in roles if r in MODEL.roles]
    by_type = {MODEL.role_type(r): r for r in roles if r in MODEL.roles}
    edges = store.adjacent([uscc], types, "in", lo if lo == hi else None)
    return sorted(
        ((e, by_type[e.type], validity(e.start, e.end, lo)) for e in edges
         if overlaps(e, lo, hi)),
        key=lambda item: (item[1], item[0].source, item[0].eid),
    )


def _window_reason(held: str, lo: str, hi: str) -> str:
    since = "" if lo == EARLIEST else f"from {lo} (earliest possible conduct date) "
    return (f"conduct date unknown: the role or control ({held}) may have held at the conduct, "
            f"which lies somewhere {since}up to {hi}")


def controller_candidates(store: Reader, uscc: str, lo: str,
                          hi: str) -> list[tuple[Candidate, str]]:
    """Every party that may be the actual controller of `uscc` on a day of `[lo, hi]`
    and the day it was found on (each party once: certain on a day if ever, else the
    first day). The control above may change inside the window, so each day where it
    may change is asked."""
    up = read_upward(store, uscc, lo, hi)
    found: dict[str, tuple[Candidate, str]] = {}
    for day in up.window_dates(lo, hi):
        for candidate in controllers_on(up, day).candidates:
            known = found.get(candidate.party.uid)
            if known is None or (known[0].status is not Tri.YES
                                 and candidate.status is Tri.YES):
                found[candidate.party.uid] = (candidate, day)
    return [found[uid] for uid in sorted(found)]


class Reached(TypedDict):
    """A person a measure reaches (R1), through which roles, with the measure's state and
    the evidence chain; `reason`: why it is uncertain."""

    person: str
    name: str
    roles: list[str]
    measure: str
    kind: str
    derived: bool
    state: State
    evidence: list[Json]
    explanation: Json
    reason: NotRequired[str]


class Reach(TypedDict):
    """What one enterprise measure reaches: persons for certain, uncertain ones, and the
    doubtful data met on the way."""

    reached: list[Reached]
    uncertain: list[Reached]
    data_quality: list[Json]


def reached_by(store: Reader, enterprise: Node, measure: Node, kind: MeasureKind,
               as_of: str, *, events: list[dict[str, Any]] | None = None,
               ) -> Reach:
    """Persons reached by one measure on one enterprise, and the uncertain cases: every
    person who may be responsible is in one of the two lists, with the reason when
    uncertain.

    `events` are the measure's due-process events when the caller already has them.
    """
    head = [measure_step(measure, kind), {"step": "enterprise", **party(enterprise)}]
    if events is None:
        events = events_of(store, [measure.uid])[measure.uid]
    source_state = state(measure.props, events, as_of, kind)
    lo, hi = conduct_window(enterprise, measure, as_of)
    found: dict[str, Reached] = {}
    uncertain: list[Reached] = []

    def add(person: Node, role: str, chain: list[dict[str, Any]], rule: str,
            inputs: dict[str, Any], reasons: list[str]) -> None:
        responsible, doubt = responsibility(measure, kind, person.uid)
        if not responsible:
            return
        reasons = reasons or ([doubt] if doubt else [])
        entry: Reached = {"person": person.uid, "name": person.name, "roles": [role],
                 "measure": measure.uid, "kind": kind.kind, "derived": True,
                 "state": source_state.as_dict(),
                 "evidence": [*head, *chain, {"step": "person", **party(person)}],
                 "explanation": explanation(rule, inputs, reasons)}
        if reasons:
            uncertain.append({**entry, "reason": "; ".join(dict.fromkeys(reasons))})
        elif person.uid in found:
            found[person.uid]["roles"].append(role)
            found[person.uid]["evidence"][-1:-1] = entry["evidence"][2:-1]  # one person step
        else:
            found[person.uid] = entry

    window = {"conduct_date": measure.props.get("conduct_date"), "window": [lo, hi]}
    role_names = tuple(r for r in kind.roles if r != "actual_controller")
    holders = _role_holders(store, enterprise.uid, role_names, lo, hi)
    people = store.get_nodes(e.source for e, _, _ in holders)
    for edge, role, valid in holders:
        held = f"{edge.start or '?'} – {edge.end or 'now'}"
        why = ([_window_reason(held, lo, hi)] if lo != hi else
               [uncertainty_reason(edge.start, edge.end, lo)] if valid is Validity.UNCERTAIN
               else [])
        add(people[edge.source], role, [role_step(edge, role)],
            f"R1: {role} at the conduct date", {**window, **interval(edge)}, why)
    candidates = (controller_candidates(store, enterprise.uid, lo, hi)
                  if "actual_controller" in kind.roles else [])
    for candidate, day in candidates:
        if candidate.party.kind != Label.PERSON:
            continue
        role = "actual_controller" + ("" if candidate.declared else " (derived)")
        why = list(candidate.explanation["uncertain"])
        if lo != hi:
            why.insert(0, _window_reason(f"may control on {day}", lo, hi))
        add(candidate.party, role, candidate.evidence,
            f"R1: {candidate.explanation['rule']} at the conduct date",
            {**window, **candidate.explanation["inputs"]}, why)
    chain = [step for candidate, _ in candidates for step in candidate.evidence]
    quality: list[dict[str, Any]] = []
    for day in sorted({lo, hi}):
        quality += [n for n in chain_notes(store, enterprise.uid, chain, day)
                    if n not in quality]
    reached = sorted(found.values(), key=lambda e: e["person"])
    return {"reached": reached, "uncertain": sorted(uncertain, key=lambda e: e["person"]),
            "data_quality": quality}


class AccountableAnswer(TypedDict):
    """R1: persons reached by the enterprise's measures, with the evidence chains."""

    enterprise: Party
    as_of: str
    measures: list[str]
    reached: list[Reached]
    uncertain: list[Reached]
    data_quality: list[Json]


def accountable(store: Reader, uscc: str, *, measure_id: str | None = None,
                as_of: str | None = None) -> AccountableAnswer:
    """R1: the persons reached by each measure on `uscc` that reaches persons.

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> [p["name"] for p in accountable(store, "914101057123456728")["reached"]]
    ['刘洋', '李娜']
    """
    day = as_of_date(as_of)
    store = store.prefetch(key_forms(uscc), READ_PLAN, [Label.MEASURE_KIND])
    enterprise = require_node(store, uscc, Label.ENTERPRISE)
    kinds = catalogue(store)
    measures = [m for m in measures_on(store, enterprise.uid)
                if measure_id is None or m.uid == measure_id]
    if measure_id is not None and not measures:
        raise EntityNotFound(f"no measure {measure_id!r} on {enterprise.uid}")
    answer: AccountableAnswer = {"enterprise": party(enterprise), "as_of": day,
                                 "measures": [], "reached": [], "uncertain": [],
                                 "data_quality": []}
    for measure in measures:
        kind = kind_of(kinds, measure)
        if kind is None or not kind.reaches_persons:
            continue
        result = reached_by(store, enterprise, measure, kind, day)
        answer["measures"].append(measure.uid)
        answer["reached"] += result["reached"]
        answer["uncertain"] += result["uncertain"]
        answer["data_quality"] += [n for n in result["data_quality"]
                                   if n not in answer["data_quality"]]
    return answer


def propagate(store: Reader, *, as_of: str | None = None) -> list[AccountableAnswer]:
    """R1 over the whole graph: every enterprise measure that reaches persons, with the
    persons it reaches (one `accountable` answer per sanctioned enterprise)."""
    day = as_of_date(as_of)
    kinds = catalogue(store)
    subjects = sorted({
        m.props["subject"] for m in store.nodes(Label.MEASURE)
        if m.props.get("subject_kind") == "enterprise"
        and kinds.get(m.props.get("kind", "")) is not None
        and kinds[m.props["kind"]].reaches_persons
    })
    return [accountable(store, uscc, as_of=day) for uscc in subjects]

"""R4 early warning on a date: forbidden roles, new shells (换壳), risk exposure.

A person is *under a measure* through their own measure (e.g. an executive
disqualification) or a measure derived to them under R1 from an enterprise's measure
(`queries.check.Checker.reached`, i.e. `queries.accountability.reached_by`); either way the
measure's state on a date follows the measure itself (R3). Cases the data cannot settle
(an unknown role start, a status without a dated event, an uncertain derivation) are
reported with `uncertain` reasons rather than dropped.

- `forbidden_roles`: a person under a measure in force whose kind forbids roles
  (catalogue `forbids_roles`) holds such a role on the date.
- `new_shells`: while under a measure in force on the date, the person *founded* an
  enterprise on or after the measure's start (its legal representative, principal or
  controller at its establishment; not an officer or a minor holder), or started to
  *represent* it (legal representative or principal) or *control* it (the one control
  rule of `queries.control`: pooled votes, > 50 % or ≥ 30 % and strictly largest, or
  declared) on or after that start, the measure being in force on that day too; the link
  still holds on the date, and each trigger names it. The sanctioned enterprise itself is
  not a shell.
- `exposure`: enterprises with sanctioned parties (enterprises or persons under a measure
  in force, own or derived) within `k` hops of roles and shareholdings, each with the
  shortest paths that explain it; measures derived from the enterprise's own measures do
  not count against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL, ROLE_TYPES, Label
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import possibly_valid
from credtrace.queries.accountability import measure_step, role_step
from credtrace.queries.check import Checker
from credtrace.queries.common import Json, MeasureKind, as_of_date, party
from credtrace.queries.control import Tri
from credtrace.queries.explain import explanation
from credtrace.queries.measures import MeasureState, state
from credtrace.queries.network import (
    PARTY_KINDS,
    bounded,
    brief,
    edge_entry,
    explore,
    path_entry,
    rel_types,
)
from credtrace.queries.ownership import Candidate, controllers_on, read_upward

REPRESENTS = (MODEL.role_type("legal_representative"), MODEL.role_type("principal"))
TRIGGERS = {"founded": "新设企业", "represented": "新任法定代表人或负责人",
            "controlled": "新增控股"}
#: Explaining paths kept per (enterprise, sanctioned party).
MAX_PATHS = 3


@dataclass(frozen=True)
class Personal:
    """A measure a person is under: their own, or the source of one derived to them."""

    person: str
    measure: Node
    kind: MeasureKind | None
    derived: bool
    evidence: list[dict[str, Any]]
    reason: str | None = None  # why the derivation itself is uncertain


def personal_measures(checker: Checker, measures: list[Node]) -> list[Personal]:
    """Every person's own measures and every R1 derivation, whatever their state."""
    checker.events(m.uid for m in measures)
    subjects = checker.nodes(m.props["subject"] for m in measures if m.props.get("subject"))
    result = []
    for measure in measures:
        subject, kind = subjects.get(measure.props.get("subject", "")), checker.kind(measure)
        if subject is None:
            continue
        if subject.kind == Label.PERSON:
            steps = [measure_step(measure, kind), {"step": "person", **party(subject)}]
            result.append(Personal(subject.uid, measure, kind, False, steps))
        elif kind is not None and kind.reaches_persons:
            answer = checker.reached(subject, measure, kind)
            result += [Personal(e["person"], measure, kind, True, e["evidence"], e.get("reason"))
                       for e in answer["reached"] + answer["uncertain"]]
    return result


def measure_view(measure: Node, kind: MeasureKind | None, derived: bool,
                 current: MeasureState) -> dict[str, Any]:
    p = measure.props
    return {"id": measure.uid, "kind": p.get("kind"), "kind_zh": kind.name_zh if kind else None,
            "derived": derived, "subject": p.get("subject"), "start": p.get("start"),
            "end": p.get("end"), "state": current.as_dict()}


def _reasons(pm: Personal, current: MeasureState, *edges: Edge, on: str) -> list[str]:
    reasons = [pm.reason] if pm.reason else []
    if current.in_force is None:
        reasons.append(current.reason)
    return reasons + [entry["reason"] for e in edges
                      if "reason" in (entry := edge_entry(e, on))]


def _by_source(edges: Iterable[Edge]) -> dict[str, list[Edge]]:
    grouped: dict[str, list[Edge]] = defaultdict(list)
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.type, e.eid)):
        grouped[edge.source].append(edge)
    return grouped


def _live(checker: Checker, personal: list[Personal]) -> list[tuple[Personal, MeasureState]]:
    pairs = [(pm, checker.state(pm.measure)) for pm in personal]
    return [(pm, current) for pm, current in pairs if current.in_force is not False]


def _at_source(pm: Personal, edge: Edge) -> bool:
    """A statutory consequence (a derived measure of a kind with its own period) forbids
    roles elsewhere, not at the enterprise whose event it comes from."""
    return bool(pm.derived and pm.kind and pm.kind.period_months is not None
                and edge.target == pm.measure.props.get("subject"))


def forbidden_roles(checker: Checker, personal: list[Personal]) -> list[dict[str, Any]]:
    """Roles held on the date that an in-force measure on the person forbids."""
    day = checker.day
    live = [(pm, cur) for pm, cur in _live(checker, personal) if pm.kind and pm.kind.forbids_roles]
    persons = sorted({pm.person for pm, _ in live})
    edges = _by_source(checker.store.adjacent(persons, ROLE_TYPES, "out", day) if persons else [])
    nodes = checker.nodes([*persons, *(e.target for es in edges.values() for e in es)])
    alerts = []
    for pm, current in live:
        assert pm.kind is not None
        forbidden = {MODEL.roles[r] for r in pm.kind.forbids_roles if r in MODEL.roles}
        for edge in edges.get(pm.person, []):
            if edge.type not in forbidden or _at_source(pm, edge):
                continue
            role = MODEL.rel(edge.type)
            alerts.append({
                "person": party(nodes[pm.person]), "enterprise": party(nodes[edge.target]),
                "role": role.role, "role_zh": role.label_zh,
                "measure": measure_view(pm.measure, pm.kind, pm.derived, current),
                "relationship": edge_entry(edge, day),
                "uncertain": _reasons(pm, current, edge, on=day),
                "evidence": [*pm.evidence, role_step(edge, role.role or edge.type)],
            })
    return sorted(alerts, key=lambda a: (a["person"]["id"], a["measure"]["id"],
                                         a["enterprise"]["id"], a["role"]))


def in_force_between(measure: Node, events: list[dict[str, Any]],
                     day: str) -> Callable[[str], bool]:
    """Whether a date lies between the measure's start and `day`, the measure in force."""
    start = measure.props["start"]
    return lambda d: start <= d <= day and bool(state(measure.props, events, d).in_force)


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


@dataclass
class _Link:
    """How a person is linked to an enterprise in a window: representation edges, and the
    control status on each date where it may change (`queries.ownership.controllers_on`)."""

    represents: list[Edge]
    control: dict[str, Candidate | None]  # date -> the person as candidate controller

    def controls(self, day: str) -> Candidate | None:
        """The person as controller on `day` (the last change on or before it)."""
        known = [d for d in self.control if d <= day]
        return self.control[max(known)] if known else None

    def represents_on(self, day: str) -> list[Edge]:
        return [e for e in self.represents if possibly_valid(e.start, e.end, day)]


def _link(store: Reader, person: str, uscc: str, represents: list[Edge], lo: str,
          day: str) -> _Link:
    up = read_upward(store, uscc, lo, day)
    control: dict[str, Candidate | None] = {}
    for d in up.window_dates(lo, day):
        found = [c for c in controllers_on(up, d, uscc).candidates if c.party.uid == person]
        control[d] = found[0] if found else None
    return _Link(represents, control)


def _triggers(link: _Link, enterprise: Node, start: str, day: str,
              during: Callable[[str], bool]) -> list[tuple[str, str, str, Candidate | None]]:
    """(trigger, date, link, controller candidate) of one person and enterprise while the
    measure is in force: *founded* (established then, the person its legal representative,
    principal or controller at founding), *represented* (began as legal representative or
    principal), *controlled* (became its controller under the one control rule)."""
    found: list[tuple[str, str, str, Candidate | None]] = []
    est = enterprise.props.get("established")
    if est and during(est):
        at_founding = link.represents_on(est)
        holder = link.controls(est)
        if at_founding:
            found.append(("founded", est, MODEL.rel(at_founding[0].type).role or "", None))
        elif holder is not None:
            found.append(("founded", est, "actual_controller", holder))
    for edge in link.represents:
        if edge.start is not None and during(edge.start):
            found.append(("represented", edge.start, MODEL.rel(edge.type).role or "", None))
    dates = sorted(link.control)
    gained = [d for prev, d in zip([_day_before(start), *dates], dates, strict=False)
              if link.control[d] is not None and link.controls(prev) is None and d >= start]
    if gained and during(gained[-1]) and link.controls(day) is not None:
        found.append(("controlled", gained[-1], "actual_controller", link.control[gained[-1]]))
    return sorted(found, key=lambda t: (t[1], list(TRIGGERS).index(t[0])))


def new_shells(checker: Checker, personal: list[Personal]) -> list[dict[str, Any]]:
    """Enterprises founded, represented or controlled by a person after their measure
    began, the link still holding on the date; control under the one control rule
    (`queries.control`), found through any chain of holdings."""
    day = checker.day
    live = [(pm, cur) for pm, cur in _live(checker, personal) if pm.measure.props.get("start")]
    persons = sorted({pm.person for pm, _ in live})
    edges = checker.person_edges(persons)
    represents = _by_source(e for e in edges if e.type in REPRESENTS
                            and possibly_valid(e.start, e.end, day))
    controlled = checker.controlled(persons, edges) if persons else {}
    links: dict[tuple[str, str, str], _Link] = {}
    alerts = []
    for pm, current in live:
        start = pm.measure.props["start"]
        during = in_force_between(pm.measure, checker.events([pm.measure.uid])[pm.measure.uid],
                                  day)
        reps: dict[str, list[Edge]] = defaultdict(list)
        for edge in represents.get(pm.person, []):
            reps[edge.target].append(edge)
        targets = (set(reps) | controlled.get(pm.person, set())) \
            - {pm.measure.props.get("subject")}
        nodes = checker.nodes([pm.person, *targets])
        for uscc in sorted(targets):
            key = (pm.person, uscc, start)
            if key not in links:
                links[key] = _link(checker.store, pm.person, uscc, reps[uscc],
                                   _day_before(start), day)
            link = links[key]
            found = _triggers(link, nodes[uscc], start, day, during)
            if not found:
                continue
            holders = [c for _, _, _, c in found if c is not None]
            now = link.controls(day)
            reasons = [r for c in [*holders, now] if c is not None and c.status is not Tri.YES
                       for r in c.explanation["uncertain"]]
            steps = [role_step(e, MODEL.rel(e.type).role or e.type) for e in link.represents]
            steps += (holders[-1].evidence if holders else [])
            triggers = [{"trigger": t, "label_zh": TRIGGERS[t], "date": d, "link": how
                         + ("" if c is None or c.status is Tri.YES else " (uncertain)")}
                        for t, d, how, c in found]
            doubts = _reasons(pm, current, *link.represents, on=day) + reasons
            alerts.append({
                "person": party(nodes[pm.person]), "enterprise": party(nodes[uscc]),
                "triggers": triggers,
                "measure": measure_view(pm.measure, pm.kind, pm.derived, current),
                "relationships": [edge_entry(e, day) for e in link.represents],
                "uncertain": list(dict.fromkeys(doubts)),
                "evidence": [*pm.evidence, *steps],
                "explanation": explanation(
                    "R4 new shell: " + ", ".join(t["trigger"] for t in triggers),
                    {"measure_start": start, "triggers": triggers}, doubts),
            })
    return sorted(alerts, key=lambda a: (a["person"]["id"], a["measure"]["id"],
                                         a["enterprise"]["id"]))


def sanctioned_parties(checker: Checker, measures: list[Node],
                       personal: list[Personal]) -> dict[str, list[dict[str, Any]]]:
    """Enterprises and persons under a measure in force (or uncertain) on the date."""
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for measure in measures:
        current = checker.state(measure)
        subject, kind = measure.props.get("subject"), checker.kind(measure)
        if subject and current.in_force is not False and (kind is None or kind.sanction):
            result[subject].append(measure_view(measure, kind, False, current))
    for pm, current in _live(checker, personal):
        if pm.derived:
            result[pm.person].append(measure_view(pm.measure, pm.kind, True, current))
    return dict(result)


def exposure(checker: Checker, sanctioned: dict[str, list[dict[str, Any]]], k: int,
             limits: Limits) -> tuple[list[dict[str, Any]], bool]:
    """Enterprises with `sanctioned` parties within `k` hops, and whether every walk ended
    (each reaches at most `limits.max_results` nodes)."""
    day, store = checker.day, checker.store
    types = rel_types(PARTY_KINDS)
    near: dict[str, list[dict[str, Any]]] = defaultdict(list)
    complete = True
    for subject, views in sorted(sanctioned.items()):
        found = explore(store, subject, types, day, k, limits.max_results)
        complete = complete and found.complete
        walk = found.walk
        nodes = checker.nodes(walk.dist)
        for uid in sorted(walk.dist):
            counted = [v for v in views if not (v["derived"] and v["subject"] == uid)]
            if walk.dist[uid] == 0 or nodes[uid].kind != Label.ENTERPRISE or not counted:
                continue
            near[uid].append({
                "party": brief(nodes[subject]), "distance": walk.dist[uid], "measures": counted,
                "paths": [path_entry(uid, path[::-1], nodes, day)
                          for path in walk.paths_to(uid, MAX_PATHS)],
            })
    found_nodes = checker.nodes(near)
    entries = [{"enterprise": brief(found_nodes[uid]),
                "distance": min(s["distance"] for s in items),
                "sanctioned": sorted(items, key=lambda s: (s["distance"], s["party"]["id"]))}
               for uid, items in near.items()]
    entries.sort(key=lambda e: (e["distance"], -len(e["sanctioned"]), e["enterprise"]["id"]))
    return entries, complete


class AlertCounts(TypedDict):
    forbidden_roles: int
    new_shells: int
    exposure: int


class AlertsAnswer(TypedDict):
    """R4 early warnings: forbidden roles, new shells, exposure within k hops; each list
    cut at `limit`, `truncated` counting what was left out."""

    as_of: str
    k: int
    forbidden_roles: list[Json]
    new_shells: list[Json]
    exposure: list[Json]
    truncated: AlertCounts
    complete: bool


def alerts(store: Reader, *, as_of: str | None = None, k: int = 2,
           limit: int = 500, limits: Limits = DEFAULT_LIMITS) -> AlertsAnswer:
    """R4 alerts on `as_of`: forbidden roles, new shells and exposure within `k` hops.

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> answer = alerts(store, as_of="2024-01-01")
    >>> [(a["person"]["name"], a["role"], a["enterprise"]["name"])
    ...  for a in answer["forbidden_roles"]]
    [('孙丽', 'director', '郑州管城餐饮管理有限公司')]
    >>> [(a["person"]["name"], a["enterprise"]["name"], [t["trigger"] for t in a["triggers"]])
    ...  for a in answer["new_shells"]]
    [('李娜', '郑州新华信贸易有限公司', ['founded', 'represented', 'controlled'])]
    """
    k = bounded("k", k, 1, limits.max_hops)
    limit = bounded("limit", limit, 1, limits.max_results)
    checker = Checker(store, as_of_date(as_of))
    measures = sorted(store.nodes(Label.MEASURE), key=lambda m: m.uid)
    personal = personal_measures(checker, measures)
    roles, shells = forbidden_roles(checker, personal), new_shells(checker, personal)
    near, complete = exposure(checker, sanctioned_parties(checker, measures, personal), k,
                              limits)
    return {
        "as_of": checker.day, "k": k, "forbidden_roles": roles[:limit],
        "new_shells": shells[:limit], "exposure": near[:limit],
        "truncated": {"forbidden_roles": max(len(roles) - limit, 0),
                      "new_shells": max(len(shells) - limit, 0),
                      "exposure": max(len(near) - limit, 0)},
        "complete": complete,
    }

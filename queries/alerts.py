"""R4 early warning on a date: forbidden roles, new shells (换壳), risk exposure.

A person is *under a measure* through their own measure (e.g. an executive
disqualification) or a measure derived to them under R1 from an enterprise's measure
(`queries.check.Checker.reached`, i.e. `queries.accountability.reached_by`); either way the
measure's state on a date follows the measure itself (R3). Cases the data cannot settle
(an unknown role start, a status without a dated event, an uncertain derivation) are
reported with `uncertain` reasons rather than dropped.

- `forbidden_roles`: a person under a measure in force whose kind forbids roles
  (catalogue `forbids_roles`) holds such a role on the date.
- `new_shells`: while under a measure in force on the date, the person is connected to an
  enterprise *founded* (established) on or after the measure's start, or started to
  *represent* it (legal representative or principal) or *control* it (a shareholding
  above 50 %) on or after that start, the measure being in force on that day too; the
  connection still holds on the date. The sanctioned enterprise itself is not a shell.
- `exposure`: enterprises with sanctioned parties (enterprises or persons under a measure
  in force, own or derived) within `k` hops of roles and shareholdings, each with the
  shortest paths that explain it; measures derived from the enterprise's own measures do
  not count against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graph.model import MODEL
from graph.records import Edge, Node
from graph.settings import Settings
from graph.store import Store
from queries.accountability import measure_step, role_step
from queries.check import Checker
from queries.common import MeasureKind, as_of_date, party
from queries.measures import MeasureState, state
from queries.network import (
    PARTY_KINDS,
    bounded,
    brief,
    edge_entry,
    explore,
    path_entry,
    rel_types,
)
from queries.ownership import CONTROL_MAJORITY, share_bounds, shareholding_step

ROLE_TYPES = MODEL.rels_of("role")
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
        if subject.kind == "Person":
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


def _triggers(edge: Edge, enterprise: Node,
              during: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(trigger, date) pairs of one link that fall while the measure is in force."""
    dates = {"founded": enterprise.props.get("established")}
    if edge.type in REPRESENTS:
        dates["represented"] = edge.start
    if edge.type == "HOLDS_SHARES" and share_bounds(edge)[0] > CONTROL_MAJORITY:
        dates["controlled"] = edge.start
    return [(name, day) for name, day in dates.items() if day is not None and during(day)]


def new_shells(checker: Checker, personal: list[Personal]) -> list[dict[str, Any]]:
    """Enterprises founded, represented or controlled by a person after their measure began."""
    day = checker.day
    live = [(pm, cur) for pm, cur in _live(checker, personal) if pm.measure.props.get("start")]
    persons = sorted({pm.person for pm, _ in live})
    types = [*ROLE_TYPES, "HOLDS_SHARES"]
    edges = _by_source(checker.store.adjacent(persons, types, "out", day) if persons else [])
    nodes = checker.nodes([*persons, *(e.target for es in edges.values() for e in es)])
    alerts = []
    for pm, current in live:
        during = in_force_between(pm.measure, checker.events([pm.measure.uid])[pm.measure.uid],
                                  day)
        by_enterprise: dict[str, list[Edge]] = defaultdict(list)
        for edge in edges.get(pm.person, []):
            if edge.target != pm.measure.props.get("subject"):
                by_enterprise[edge.target].append(edge)
        for uscc, links in sorted(by_enterprise.items()):
            found = sorted({t for e in links for t in _triggers(e, nodes[uscc], during)},
                           key=lambda t: (t[1], list(TRIGGERS).index(t[0])))
            if not found:
                continue
            steps = [shareholding_step(e, nodes) if e.type == "HOLDS_SHARES"
                     else role_step(e, MODEL.rel(e.type).role or e.type) for e in links]
            alerts.append({
                "person": party(nodes[pm.person]), "enterprise": party(nodes[uscc]),
                "triggers": [{"trigger": t, "label_zh": TRIGGERS[t], "date": d} for t, d in found],
                "measure": measure_view(pm.measure, pm.kind, pm.derived, current),
                "relationships": [edge_entry(e, day) for e in links],
                "uncertain": _reasons(pm, current, *links, on=day),
                "evidence": [*pm.evidence, *steps],
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


def exposure(checker: Checker, sanctioned: dict[str, list[dict[str, Any]]],
             k: int) -> tuple[list[dict[str, Any]], bool]:
    """Enterprises with `sanctioned` parties within `k` hops, and whether every walk ended."""
    day, store = checker.day, checker.store
    types = rel_types(PARTY_KINDS)
    near: dict[str, list[dict[str, Any]]] = defaultdict(list)
    complete = True
    for subject, views in sorted(sanctioned.items()):
        found = explore(store, subject, types, day, k, Settings().max_results)
        complete = complete and found.complete
        walk = found.walk
        nodes = checker.nodes(walk.dist)
        for uid in sorted(walk.dist):
            counted = [v for v in views if not (v["derived"] and v["subject"] == uid)]
            if walk.dist[uid] == 0 or nodes[uid].kind != "Enterprise" or not counted:
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


def alerts(store: Store, *, as_of: str | None = None, k: int = 2,
           limit: int = 500) -> dict[str, Any]:
    """R4 alerts on `as_of`: forbidden roles, new shells and exposure within `k` hops.

    >>> from graph.memory import MemoryStore
    >>> from ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> answer = alerts(store, as_of="2024-01-01")
    >>> [(a["person"]["name"], a["role"], a["enterprise"]["name"])
    ...  for a in answer["forbidden_roles"]]
    [('孙丽', 'director', '郑州管城餐饮管理有限公司')]
    >>> [(a["person"]["name"], a["enterprise"]["name"], [t["trigger"] for t in a["triggers"]])
    ...  for a in answer["new_shells"]]
    [('李娜', '郑州新华信贸易有限公司', ['founded', 'represented', 'controlled'])]
    """
    settings = Settings()
    k = bounded("k", k, 1, settings.max_hops)
    limit = bounded("limit", limit, 1, settings.max_results)
    checker = Checker(store, as_of_date(as_of))
    measures = sorted(store.nodes("Measure"), key=lambda m: m.uid)
    personal = personal_measures(checker, measures)
    lists = {"forbidden_roles": forbidden_roles(checker, personal),
             "new_shells": new_shells(checker, personal)}
    sanctioned = sanctioned_parties(checker, measures, personal)
    lists["exposure"], complete = exposure(checker, sanctioned, k)
    return {
        "as_of": checker.day, "k": k, **{name: items[:limit] for name, items in lists.items()},
        "truncated": {name: max(len(items) - limit, 0) for name, items in lists.items()},
        "complete": complete,
    }

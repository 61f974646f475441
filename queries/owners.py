"""Who owns and controls an enterprise (domain.md §4), and the group it belongs to (R5).

`owners` lists every direct and indirect holder with its direct share and its effective
ownership bounds (`queries.ownership.effective_ownership`: the sum over simple paths of the
products of the shares), the paths behind each as evidence, the controlling shareholder,
the actual controller and the beneficial owners (PBoC 2024 measures: ≥ 25 % effective
ownership, or control by other means; if nobody qualifies, the legal representative,
principal and senior managers in office, marked `fallback`).

`group` is the set of enterprises connected by control: controlling shareholders that are
enterprises upward, enterprises whose controlling shareholder (or declared controller) is
a member downward. A state body is a member when it controls one, but its other
enterprises are not pulled in: common state ownership alone does not make a group.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> answer = owners(store, "914101057123456728", as_of="2024-01-01")
>>> [(h["holder"]["name"], h["effective"]["low"]) for h in answer["holders"]][:2]
[('郑州华信控股有限公司', 60.0), ('刘洋', 42.0)]
>>> [(b["person"]["name"], b["basis"]) for b in answer["beneficial_owners"]]
[('刘洋', ['ownership', 'control']), ('陈静', ['ownership'])]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from typing_extensions import TypedDict

from credtrace.graph.model import EXECUTIVE_ROLES, MODEL, Label, Rel
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import Validity, uncertainty_reason, validity
from credtrace.queries.accountability import role_step
from credtrace.queries.common import (
    Bounds,
    Json,
    Kept,
    Party,
    as_of_date,
    interval,
    key_forms,
    party,
    provenance,
    require_node,
)
from credtrace.queries.control import solve
from credtrace.queries.data_quality import chain_notes
from credtrace.queries.ownership import (
    CONTROL_TYPES,
    MAX_CHAIN,
    STATE_BODY,
    Above,
    ControllerAnswer,
    Ownership,
    Upward,
    actual_controller,
    control_edge,
    control_graph,
    controlling_shareholder,
    effective_ownership,
    holdings_into,
    immediate_controllers,
    share_bounds,
    shareholding_step,
    upward_plan,
)

#: Paths shown per holder (the figures always use every path).
MAX_PATHS = 10
#: Effective ownership that makes a natural person a beneficial owner (PBoC 2024).
BENEFICIAL_THRESHOLD = 25.0
#: Roles reported as beneficial owners when nobody qualifies: legal representative,
#: principal and the senior managers (manager, CFO, board secretary).
FALLBACK_ROLES = ("legal_representative", "principal",
                  *(r for r in EXECUTIVE_ROLES if r not in ("director", "supervisor")))
FALLBACK_TYPES = [MODEL.role_type(r) for r in FALLBACK_ROLES]
#: Bounds of a group walk.
MAX_GROUP_DEPTH = MAX_CHAIN
MAX_GROUP_SIZE = 500


class Holder(TypedDict):
    """A direct or indirect holder: direct and effective shares (bounds: a share may be
    a range), the declared indirect share, and the paths behind (at most `MAX_PATHS`)."""

    holder: Party
    direct: Bounds | None
    effective: Bounds
    declared_indirect: Bounds | None
    paths: list[list[Json]]
    path_count: int
    paths_capped: bool
    uncertain: list[str]


def _bounds(low: float, high: float) -> Bounds:
    return {"low": round(low, 6), "high": round(high, 6)}


def _uncertain(edges: Sequence[Edge], on: str) -> list[str]:
    """The reasons, once each, why some of `edges` may not hold on `on`."""
    return list(dict.fromkeys(uncertainty_reason(e.start, e.end, on) for e in edges
                              if validity(e.start, e.end, on) is Validity.UNCERTAIN))


def _holder(node: Node, direct: list[Edge], owned: Ownership, names: dict[str, Node],
            on: str) -> Holder:
    paths = owned.paths
    shown = sorted(paths, key=lambda p: (len(p), [e.eid for e in p]))[:MAX_PATHS]
    direct_bounds = [share_bounds(e) for e in direct]
    return {
        "holder": party(node),
        "direct": _bounds(sum(b[0] for b in direct_bounds), sum(b[1] for b in direct_bounds))
        if direct else None,
        "effective": _bounds(owned.low, owned.high),
        "declared_indirect": _bounds(*owned.declared) if owned.declared else None,
        "paths": [[shareholding_step(e, names) for e in path] for path in shown],
        "path_count": len(paths),
        "paths_capped": len(paths) > len(shown),
        "uncertain": _uncertain([e for path in paths for e in path], on),
    }


def _controller(answer: ControllerAnswer) -> dict[str, Any]:
    """The first candidate (the certain one where there is one) and every candidate."""
    return {"controller": party(answer.controller) if answer.controller else None,
            "declared": answer.declared, "ends": answer.ends, "chain": answer.chain,
            "uncertain": answer.uncertain,
            "candidates": [c.as_dict() for c in answer.candidates]}


def _beneficial(store: Reader, uscc: str, holders: list[Holder],
                controller: dict[str, Any], on: str) -> list[dict[str, Any]]:
    """Natural persons with ≥ 25 % effective ownership or control; else the fallback."""
    found: dict[str, dict[str, Any]] = {}
    for h in holders:
        if h["holder"]["kind"] != Label.PERSON:
            continue
        figures = {b: f for b, f in (("ownership", h["effective"]),
                                     ("declared_indirect", h["declared_indirect"])) if f}
        basis = [b for b, f in figures.items() if f["high"] >= BENEFICIAL_THRESHOLD]
        if basis:
            found[h["holder"]["id"]] = {
                "person": h["holder"], "basis": basis, "effective": h["effective"],
                "by_high_bound_only": all(figures[b]["low"] < BENEFICIAL_THRESHOLD
                                          for b in basis),
                "fallback": False, "evidence": h["paths"], "uncertain": h["uncertain"]}
    for candidate in controller["candidates"]:
        person, sure = candidate["controller"], candidate["status"] == "yes"
        if person["kind"] != Label.PERSON:
            continue
        entry = found.setdefault(person["id"], {
            "person": person, "basis": [], "effective": None, "by_high_bound_only": True,
            "fallback": False, "evidence": [], "uncertain": []})
        how = "declared_control" if candidate["declared"] else "control"
        entry["basis"].append(how if sure else f"possible_{how}")
        if sure:
            entry["by_high_bound_only"] = False  # control qualifies whatever the share
        entry["evidence"] = [*entry["evidence"], candidate["chain"]]
        entry["uncertain"] = list(dict.fromkeys(
            entry["uncertain"] + candidate["explanation"]["uncertain"]))
    if found:
        return sorted(found.values(), key=lambda b: (
            -(b["effective"] or {"low": 0.0})["low"], b["person"]["id"]))
    edges = store.adjacent([uscc], FALLBACK_TYPES, "in", on)
    people = store.get_nodes(e.source for e in edges)
    role_of = {MODEL.role_type(r): r for r in FALLBACK_ROLES}
    fallback: dict[str, dict[str, Any]] = {}
    for edge in sorted(edges, key=lambda e: (e.source, e.type, e.eid)):
        entry = fallback.setdefault(edge.source, {
            "person": party(people[edge.source]), "basis": [], "effective": None,
            "by_high_bound_only": False, "fallback": True, "evidence": [], "uncertain": []})
        entry["basis"].append(f"fallback:{role_of[edge.type]}")
        entry["evidence"].append([role_step(edge, role_of[edge.type])])
        entry["uncertain"] += _uncertain([edge], on)
    return [fallback[p] for p in sorted(fallback)]


class OwnersAnswer(TypedDict):
    """Direct and indirect holders with effective shares; controllers; beneficial owners."""

    enterprise: Party
    as_of: str
    holders: list[Holder]
    controlling_shareholder: Json | None
    actual_controller: Json
    beneficial_owners: list[Json]
    data_quality: list[Json]


def owners(store: Reader, uscc: str, *, as_of: str | None = None) -> OwnersAnswer:
    """Every holder of `uscc` (direct and indirect) with direct and effective shares and
    the paths behind them; the controlling shareholder, actual controller and beneficial
    owners on `as_of`.

    >>> from credtrace.graph.memory import MemoryStore
    >>> owners(MemoryStore(), "X")
    Traceback (most recent call last):
    credtrace.queries.common.EntityNotFound: no enterprise with key 'X'
    """
    day = as_of_date(as_of)
    store = store.prefetch(key_forms(uscc), upward_plan(FALLBACK_TYPES))
    enterprise = require_node(store, uscc, Label.ENTERPRISE)
    owned = effective_ownership(store, enterprise.uid, day)
    direct_edges = holdings_into(store, [enterprise.uid], day)
    names = store.get_nodes([enterprise.uid, *owned])
    direct: dict[str, list[Edge]] = defaultdict(list)
    for edge in direct_edges:
        direct[edge.source].append(edge)
    holders = sorted(
        (_holder(names[h], direct.get(h, []), o, names, day) for h, o in owned.items()),
        key=lambda h: (-h["effective"]["low"], -h["effective"]["high"], h["holder"]["id"]))
    control = controlling_shareholder(store, enterprise.uid, day)
    controlling = None if control is None else {
        "holder": party(names[control.holder]), "share": control.share, "rule": control.rule,
        "evidence": shareholding_step(control.edge, names), "uncertain": control.uncertain}
    controller = _controller(actual_controller(store, enterprise.uid, day))
    quality = chain_notes(store, enterprise.uid, controller["chain"], day)
    return {
        "enterprise": party(enterprise), "as_of": day, "holders": holders,
        "controlling_shareholder": controlling, "actual_controller": controller,
        "beneficial_owners": _beneficial(store, enterprise.uid, holders, controller, day),
        "data_quality": quality,
    }


@dataclass(frozen=True)
class ControlLink:
    """`controller` controls `controlled` on a date: as controlling shareholder (rule
    majority / largest, with the share) or as declared actual controller."""

    controller: str
    controlled: str
    basis: str  # majority, largest, declared
    share: float | None
    edge: Edge

    def as_dict(self, names: dict[str, Node]) -> dict[str, Any]:
        evidence = (shareholding_step(self.edge, names) if self.edge.type == Rel.HOLDS_SHARES
                    else {"step": "declared_controller", "controller": self.controller,
                          "enterprise": self.controlled, **interval(self.edge),
                          "provenance": provenance(self.edge.props)})
        return {"controller": self.controller, "controlled": self.controlled,
                "basis": self.basis, "share": self.share, "evidence": evidence}


class ControlLinks:
    """Certain control relations on one date, under the one control rule (pooled votes,
    declared controllers). Who controls an enterprise depends only on what lies above it,
    so each enterprise is solved on what `read_upward` of it alone reads (the reads of a
    question shared: `Above`), and kept for later questions (at most `keep`; None: all)."""

    def __init__(self, store: Reader, on: str, keep: int | None = None) -> None:
        self.store, self.on = store, on
        self._into: Kept[str, list[ControlLink]] = Kept(keep)

    def touching(self, uids: Sequence[str], edges: list[Edge] | None = None
                 ) -> list[ControlLink]:
        """Who controls each of `uids` and which enterprises each controls, immediate
        links only (not through another controller). `edges` may pass the holdings and
        declared-controller relationships of `uids` (both directions, possibly valid on
        the date) when the caller already read them."""
        members = set(uids)
        if edges is None:
            edges = self.store.adjacent(uids, CONTROL_TYPES, "both", self.on)
        held = {e.target for e in edges if e.type in CONTROL_TYPES and e.source in members
                and e.props.get("direct") is not False}
        into = self._into.fetch(sorted(members | held), self._solve)
        links = {(k.controller, k.controlled, k.basis): k for t, known in into.items()
                 for k in known if t in members or k.controller in members}
        return [links[k] for k in sorted(links)]

    def _solve(self, targets: list[str]) -> dict[str, list[ControlLink]]:
        """The immediate links into each of `targets`, what lies above them read at once."""
        above = Above(self.store, self.on)
        above.read(targets)
        return {t: self._immediate(above.upward([t]), t) for t in targets}

    def _immediate(self, up: Upward, target: str) -> list[ControlLink]:
        """Every immediate certain controller of `target` (what lies above it: `up`), with
        the basis and evidence."""
        if not up.edges:
            return []
        solution = solve(control_graph(up, self.on))
        links = []
        for x in immediate_controllers(solution, target):
            edge = control_edge(solution, x, target)
            if edge is None:
                continue
            w = solution.weigh(x, target)
            basis = "declared" if edge.type == Rel.ACTUAL_CONTROLLER else w.rule
            links.append(ControlLink(x, target, basis,
                                     None if basis == "declared" else round(w.low, 4), edge))
        return links


Relation = Literal["self", "parent", "subsidiary", "affiliate"]


class Membership(TypedDict):
    depth: int
    relation: Relation


class GroupMember(Party, Membership):
    enterprise_kind: str | None


class GroupAnswer(TypedDict):
    """The enterprises connected by control (R5 groups)."""

    enterprise: Party
    as_of: str
    members: list[GroupMember]
    edges: list[Json]
    truncated: bool


def group(store: Reader, uscc: str, *, as_of: str | None = None) -> GroupAnswer:
    """The enterprises connected to `uscc` by control on `as_of`, with the control edges.

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> [m["relation"] for m in group(store, "914101057123456728", as_of="2024-01-01")["members"]]
    ['self', 'parent']
    """
    day = as_of_date(as_of)
    start = require_node(store, uscc, Label.ENTERPRISE)
    nodes = {start.uid: start}
    members: dict[str, Membership] = {start.uid: {"depth": 0, "relation": "self"}}
    links: dict[tuple[str, str, str], ControlLink] = {}
    frontier, truncated = [start.uid], False
    control = ControlLinks(store, day)
    for depth in range(1, MAX_GROUP_DEPTH + 1):
        expand = [u for u in frontier
                  if u == start.uid or nodes[u].props.get("kind") != STATE_BODY]
        if not expand:
            break
        found = control.touching(expand)
        unseen = {x for k in found for x in (k.controller, k.controlled)} - set(nodes)
        nodes |= store.get_nodes(unseen) if unseen else {}
        frontier = []
        for link in found:
            if nodes[link.controller].kind != Label.ENTERPRISE:
                continue
            upward = link.controller not in members
            new, known = ((link.controller, link.controlled) if upward
                          else (link.controlled, link.controller))
            if new not in members:
                if len(members) >= MAX_GROUP_SIZE:
                    truncated = True
                    continue
                via = members[known]["relation"]
                relation: Relation = (
                    "parent" if upward and via in ("self", "parent") else
                    "subsidiary" if not upward and via in ("self", "subsidiary")
                    else "affiliate")
                members[new] = {"depth": depth, "relation": relation}
                frontier.append(new)
            if link.controller in members and link.controlled in members:
                links[link.controller, link.controlled, link.basis] = link
        frontier.sort()
    else:
        truncated = truncated or bool(frontier)
    return {
        "enterprise": party(start), "as_of": day,
        "members": [{**party(nodes[u]), "enterprise_kind": nodes[u].props.get("kind"), **m}
                    for u, m in sorted(members.items(), key=lambda i: (i[1]["depth"], i[0]))],
        "edges": [links[k].as_dict(nodes) for k in sorted(links)],
        "truncated": truncated,
    }

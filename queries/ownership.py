"""Ownership and control (domain.md §4): direct and effective shares, the controlling
shareholder, the actual controller chain.

Effective ownership of X in Y is the sum, over every simple path X → … → Y of
shareholdings, of the product of the shares along it; a cycle ends a path, so nothing is
counted twice. Share ranges (BODS minimum / maximum) give lower and upper bounds. A
declared indirect interest (a holding with `direct` false) is a reported figure, not a link:
it is never walked, and `effective_ownership` returns it apart, as `declared`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from credtrace.graph.consistency import over_allocations
from credtrace.graph.model import Label, Rel
from credtrace.graph.reads import Follow, Hop, Plan
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import Validity, uncertainty_reason, validity
from credtrace.queries.common import interval, party, provenance
from credtrace.queries.control import (
    LARGEST,
    MAJORITY,
    ControlGraph,
    Declaration,
    Solution,
    Stake,
    Tri,
    Weighing,
    solve,
)
from credtrace.queries.explain import explanation

CONTROL_MAJORITY = MAJORITY
CONTROL_LARGEST = LARGEST
STATE_BODY = "state_body"
MAX_CHAIN = 12
#: Relationships that can make one party control another, so what ownership and control
#: chains climb: holdings into, and declared controllers of, an enterprise.
CONTROL_TYPES = (Rel.HOLDS_SHARES, Rel.ACTUAL_CONTROLLER)


def upward_plan(first: Sequence[str], also: Hop | None = None,
                above: Sequence[str] = ()) -> Plan:
    """A `Reader.prefetch` plan for a query walking chains up from one enterprise: `first`
    and `CONTROL_TYPES` relationships into it, then `CONTROL_TYPES` ones (and `above`) level
    by level to `MAX_CHAIN` (and `also` from whatever the hop before reached). Persons are
    asked too: a walk asks every holder, and learns from the answer that nobody holds a
    person."""
    up: Follow = ((CONTROL_TYPES, "in"),)
    upper: Follow = (
        (tuple(dict.fromkeys((*CONTROL_TYPES, *above))), "in"),)
    later: Hop = {Label.ENTERPRISE: upper, Label.PERSON: up, **(also or {})}
    return ({Label.ENTERPRISE: (((*CONTROL_TYPES, *first), "in"),)}, *[later] * (MAX_CHAIN - 1))


#: Control followed down: holdings and declared control out of an enterprise.
DOWN: Follow = ((CONTROL_TYPES, "out"),)
#: What a walk down the control chains reads, level by level to `MAX_CHAIN`.
DOWNWARD_PLAN: Plan = ({Label.ENTERPRISE: DOWN},) * MAX_CHAIN


def share_bounds(edge: Edge) -> tuple[float, float]:
    """(low, high) percentage of a shareholding as a link of a chain; an exact figure gives
    low == high. A declared indirect figure (`direct` false) is no link: (0, 0)."""
    p = edge.props
    if p.get("direct") is False:
        return 0.0, 0.0
    return _bounds(p.get("percentage"), p.get("pct_min"), p.get("pct_max"))


def _bounds(exact: Any, low: Any, high: Any) -> tuple[float, float]:
    if exact is not None:
        return float(exact), float(exact)
    return float(low or 0.0), float(high if high is not None else 100.0)


def holdings_into(store: Reader, uids: list[str], on: str, *,
                  declared: bool = False) -> list[Edge]:
    """Shareholdings into any of `uids` that may hold on `on`, in a stable order: the links
    of ownership chains, or with `declared=True` only the declared indirect figures."""
    edges = store.adjacent(uids, [Rel.HOLDS_SHARES], "in", on)
    edges = [e for e in edges if (e.props.get("direct") is False) == declared]
    return sorted(edges, key=lambda e: (e.target, e.source, e.eid))


def declared_bounds(edge: Edge) -> tuple[float, float]:
    """(low, high) of a declared indirect figure: exact, or its pct_min/pct_max range."""
    p = edge.props
    return _bounds(p.get("declared_indirect"), p.get("pct_min"), p.get("pct_max"))


def shareholding_step(edge: Edge, names: dict[str, Node]) -> dict[str, Any]:
    """One shareholding as an evidence step."""
    low, high = share_bounds(edge)
    holder = names.get(edge.source)
    return {
        "step": "shareholding",
        "holder": party(holder) if holder else {"id": edge.source},
        "enterprise": edge.target,
        "percentage": edge.props.get("percentage"),
        "range": None if low == high else [low, high],
        **interval(edge),
        "provenance": provenance(edge.props),
    }


@dataclass
class Control:
    """A direct holder that controls an enterprise on a date under the one control rule
    (pooled votes), by which rule, with its votes; `uncertain` holds the reasons when the
    data cannot settle it."""

    enterprise: str
    holder: str
    share: float  # the votes it directs, at their low bound
    rule: str  # majority (> 50 %), largest (>= 30 % and strictly largest), tie, declared
    edge: Edge
    uncertain: list[str] = field(default_factory=list)


def immediate_controllers(solution: Solution, uscc: str) -> list[str]:
    """The parties that control `uscc` for certain and not only through another of them."""
    sure = [x for x in solution.controllers(uscc) if solution.status(x, uscc) is Tri.YES]
    return [x for x in sure if not any((x, z) in solution.certain and (z, x) not in
                                       solution.certain for z in sure if z != x)]


def control_edge(solution: Solution, x: str, uscc: str) -> Edge | None:
    """The relationship that best shows `x` controlling `uscc`: its declaration, its own
    holding, or a holding of an enterprise it controls."""
    items = solution.into(uscc)
    for d in items:
        if isinstance(d, Declaration) and d.controller == x:
            return d.edge
    bloc = solution.bloc(x)
    stakes = sorted((s for s in items if isinstance(s, Stake) and s.holder in bloc),
                    key=lambda s: (s.holder != x, -s.high, s.holder))
    return stakes[0].edge if stakes else None


def controlling_shareholder(store: Reader, uscc: str, on: str) -> Control | None:
    """The controlling shareholder of `uscc` on `on` (domain.md §4): the direct holder that
    controls it under the one control rule, certain if the data settles it; else the first
    holder that may, with the reasons it is uncertain; None when no holder may."""
    return controlling_holder(control_graph(read_upward(store, uscc, on), on), uscc)


def controlling_holder(graph: ControlGraph, uscc: str) -> Control | None:
    """`controlling_shareholder` on a control graph: by shares alone (declarations about
    `uscc` itself left out)."""
    graph = ControlGraph(graph.stakes, [d for d in graph.declared if d.enterprise != uscc])
    solution = solve(graph)
    holders = {s.holder for s in solution.graph.stakes if s.enterprise == uscc}
    sure = [x for x in immediate_controllers(solution, uscc) if x in holders]
    maybe = [x for x in solution.controllers(uscc) if x in holders]
    for x in sure or maybe:
        edge = control_edge(solution, x, uscc)
        if edge is None:
            continue
        w = solution.weigh(x, uscc)
        doubts = [] if x in sure else [_weighing_text(w), *(
            d for st in solution.graph.stakes if st.enterprise == uscc for d in st.doubts)]
        return Control(uscc, x, round(w.low, 4), w.rule, edge, list(dict.fromkeys(doubts)))
    return None


def doubt_contradictions(graph: ControlGraph, day: str) -> ControlGraph:
    """`graph` with the holdings of an inconsistent period (holders above 100 % on `day`,
    `graph.consistency`) made doubtful where the inconsistency can change who controls:
    when leaving out any one of them changes the controlling holder, each of them may not
    hold (votes from 0 %), with the data-quality reason. Then nobody is certain on a
    guess, and whoever would control either way stays a candidate."""
    edges = [s.edge for s in graph.stakes if s.edge is not None]
    for found in over_allocations(edges):
        if not found.covers(day):
            continue
        keys = {f["key"] for f in found.facts}
        given = _certain_holder(graph, found.enterprise, None)
        if all(_certain_holder(graph, found.enterprise, key) == given for key in sorted(keys)):
            continue
        reason = f"data quality: {found.describe()}; control depends on which row is right"
        graph = ControlGraph([replace(s, low=0.0, doubts=(*s.doubts, reason))
                              if s.edge is not None and s.edge.eid in keys else s
                              for s in graph.stakes], graph.declared)
    return graph


def _certain_holder(graph: ControlGraph, uscc: str, without: str | None) -> str | None:
    """The certain controlling holder of `uscc` with the holding `without` left out."""
    kept = [s for s in graph.stakes if s.edge is None or s.edge.eid != without]
    control = controlling_holder(ControlGraph(kept, graph.declared), uscc)
    return control.holder if control and not control.uncertain else None


def overlaps(edge: Edge, lo: str, hi: str) -> bool:
    """Whether `[start, end)` of `edge` may meet the window `[lo, hi]` (an unknown start
    may)."""
    return (edge.start is None or edge.start <= hi) and (edge.end is None or edge.end > lo)


@dataclass
class Upward:
    """What lies above an enterprise in a window of dates: the holdings (not declared
    indirect figures) and declared controllers into it and, level by level, into their
    holders, with the parties they name. `notes` say where the walk was cut."""

    root: str
    edges: list[Edge]
    nodes: dict[str, Node]
    notes: list[str] = field(default_factory=list)

    def window_dates(self, lo: str, hi: str) -> list[str]:
        """The dates in `[lo, hi]` at which what is above may change (the ends included)."""
        inner = {d for e in self.edges for d in (e.start, e.end) if d and lo < d < hi}
        return sorted({lo, hi} | inner)


class Above:
    """`read_upward` on one date or window for many questions, sharing the reads: the
    holdings and declared controllers into each party are read once (one store call per
    level for the parties not read yet) and kept, as are the parties' nodes."""

    def __init__(self, store: Reader, lo: str, hi: str | None = None) -> None:
        self.store, self.lo, self.hi = store, lo, hi or lo
        self._into: dict[str, list[Edge]] = {}
        self._nodes: dict[str, Node | None] = {}

    def upward(self, roots: Sequence[str]) -> Upward:
        """What lies above `roots` (the first is the root), walked from all of them at once
        to `MAX_CHAIN` levels: what `read_upward` answers."""
        edges, seen, cut = self._walk(roots)
        notes = [f"control chain longer than {MAX_CHAIN} levels: parties above were not "
                 "read"] if cut else []
        ordered = sorted(edges.values(), key=lambda e: (e.target, e.source, e.eid))
        nodes = self._get(seen)
        return Upward(roots[0] if roots else "", ordered, nodes, notes)

    def read(self, roots: Sequence[str]) -> None:
        """Read at once what lies above each of `roots` (so `upward` of any of them alone
        then reads nothing)."""
        self._get(self._walk(roots)[1])

    def _walk(self, roots: Sequence[str]) -> tuple[dict[str, Edge], set[str], bool]:
        """The edges above `roots`, the parties seen, and whether parties were left above."""
        edges: dict[str, Edge] = {}
        seen, frontier = set(roots), sorted(set(roots))
        for _ in range(MAX_CHAIN):
            if not frontier:
                break
            self._read_into(frontier)
            fresh = [e for u in frontier for e in self._into[u]]
            edges.update((e.eid, e) for e in fresh)
            frontier = sorted({e.source for e in fresh} - seen)
            seen.update(frontier)
        return edges, seen, bool(frontier)

    def _read_into(self, uids: list[str]) -> None:
        unknown = [u for u in uids if u not in self._into]
        if not unknown:
            return
        lo, hi = self.lo, self.hi
        for uid in unknown:
            self._into[uid] = []
        for e in self.store.adjacent(unknown, CONTROL_TYPES, "in", lo if lo == hi else None):
            if overlaps(e, lo, hi) and e.props.get("direct") is not False:
                self._into[e.target].append(e)

    def _get(self, uids: set[str]) -> dict[str, Node]:
        unknown = [u for u in uids if u not in self._nodes]
        if unknown:
            found = self.store.get_nodes(unknown)
            self._nodes.update((u, found.get(u)) for u in unknown)
        return {u: node for u in uids if (node := self._nodes[u]) is not None}


def read_upward(store: Reader, uscc: str | Sequence[str], lo: str,
                hi: str | None = None) -> Upward:
    """The holdings and declared controllers above `uscc` that may hold on some day of
    `[lo, hi]` (one date when `hi` is None), one store call per level, to `MAX_CHAIN`.
    Several enterprises may be read at once (the first is the root; `controllers_on`
    answers for any of them: control of a party depends only on what lies above it)."""
    return Above(store, lo, hi).upward([uscc] if isinstance(uscc, str) else list(uscc))


def control_graph(up: Upward, day: str) -> ControlGraph:
    """The stakes and declarations of `up` that may hold on `day`, with their doubts."""
    stakes: list[Stake] = []
    declared: list[Declaration] = []

    def name(uid: str) -> str:
        node = up.nodes.get(uid)
        return node.name if node and node.name else uid

    def held(edge: Edge) -> str:  # named only where there is a doubt
        return f"holding {name(edge.source)} → {name(edge.target)}"

    for edge in up.edges:
        valid = validity(edge.start, edge.end, day)
        if valid is Validity.NO:
            continue
        doubt = None if valid is Validity.YES else uncertainty_reason(edge.start, edge.end, day)
        if edge.type == Rel.ACTUAL_CONTROLLER:
            why = doubt and f"declared controller {name(edge.source)}: {doubt}"
            declared.append(Declaration(edge.source, edge.target, doubt is None, edge, why))
            continue
        low, high = share_bounds(edge)
        doubts = [] if low == high else [f"{held(edge)} is a range {low:g}–{high:g} %"]
        if doubt:
            doubts.append(f"{held(edge)}: {doubt}")
            low = 0.0
        stakes.append(Stake(edge.source, edge.target, low, high, edge, tuple(doubts)))
    return doubt_contradictions(ControlGraph(stakes, declared), day)


@dataclass
class Candidate:
    """A party that may be the actual controller of an enterprise on a date."""

    party: Node
    status: Tri  # yes or uncertain
    declared: bool
    ends: str  # person, state_body, no_further (an enterprise with no controller above)
    evidence: list[dict[str, Any]]
    explanation: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"controller": party(self.party), "status": str(self.status),
                "declared": self.declared, "ends": self.ends, "chain": self.evidence,
                "explanation": self.explanation}


@dataclass
class ControllerAnswer:
    """Every party that may be the actual controller of an enterprise on a date: the
    certain ones and the uncertain ones with their reasons. `controller`, `declared`,
    `chain` and `uncertain` describe the first candidate (the first certain one if any)."""

    candidates: list[Candidate]
    ends: str  # declared, person, state_body, no_further, uncertain, none, cycle, depth_limit
    notes: list[str] = field(default_factory=list)

    @property
    def primary(self) -> Candidate | None:
        sure = [c for c in self.candidates if c.status is Tri.YES]
        return sure[0] if sure else (self.candidates[0] if self.candidates else None)

    @property
    def controller(self) -> Node | None:
        first = self.primary
        return first.party if first else None

    @property
    def declared(self) -> bool:
        first = self.primary
        return bool(first and first.declared)

    @property
    def chain(self) -> list[dict[str, Any]]:
        first = self.primary
        return first.evidence if first else []

    @property
    def uncertain(self) -> list[str]:
        first = self.primary
        reasons = list(first.explanation["uncertain"]) if first else []
        others = [c.party.name for c in self.candidates if c is not first]
        if others:
            reasons.append("other possible controllers: " + "、".join(others))
        return list(dict.fromkeys([*reasons, *self.notes]))


def _step(edge: Edge, names: dict[str, Node]) -> dict[str, Any]:
    if edge.type == Rel.HOLDS_SHARES:
        return shareholding_step(edge, names)
    who = names.get(edge.source)
    return {"step": "declared_controller", "enterprise": edge.target,
            "controller": party(who) if who else {"id": edge.source}, **interval(edge),
            "provenance": provenance(edge.props)}


def _evidence(solution: Solution, certain: bool, x: str, root: str,
              names: dict[str, Node]) -> tuple[list[dict[str, Any]], list[str]]:
    """Every holding and declaration by which `x` directs votes in, or controls, `root`,
    from `root` upward (each with its own figure, interval and provenance, and the rule by
    which its holder controls the enterprise, or `pooled` when it only adds its votes),
    and their doubts."""
    bloc = solution.bloc(x, certain)
    steps, doubts, todo, done = [], [], [root], set()
    while todo:
        target = todo.pop(0)
        if target in done:
            continue
        done.add(target)
        for item in solution.into(target):
            source = item.holder if isinstance(item, Stake) else item.controller
            if source not in bloc:
                continue
            assert item.edge is not None
            step = _step(item.edge, names)
            if isinstance(item, Stake):
                w = solution.weigh(source, target)
                step.update(rule=w.rule if w.verdict is not Tri.NO else "pooled",
                            votes=[w.low, w.high])
            steps.append(step)
            doubts += list(item.doubts) if isinstance(item, Stake) else \
                [item.doubt] if item.doubt else []
            if source != x:
                todo.append(source)
    return steps, doubts


def _weighing_text(w: Weighing) -> str:
    votes = f"{w.low:g} %" if w.low == w.high else f"{w.low:g}–{w.high:g} %"
    if w.rule == "tie":
        return f"tied for largest at {votes} with another party: nobody is certain"
    return (f"directs {votes} of the votes; control needs > {CONTROL_MAJORITY:g} %, or "
            f"≥ {CONTROL_LARGEST:g} % and strictly more than any other party (the largest "
            f"other directs {w.rival_low:g}–{w.rival_high:g} %)")


def controllers_on(up: Upward, day: str, root: str | None = None) -> ControllerAnswer:
    """The actual controllers of `root` (default `up.root`) on `day` under the one control
    rule (`queries.control`): control followed upward to persons, state bodies or
    enterprises with nobody above; certain where the data settles it, else uncertain with
    reasons."""
    return controllers_in(up, solve(control_graph(up, day)), root or up.root)


def controllers_of_each(up: Upward, day: str,
                        roots: Sequence[str]) -> dict[str, ControllerAnswer]:
    """`controllers_on` for each of `roots` read together in `up`, solved once."""
    solution = solve(control_graph(up, day))
    return {root: controllers_in(up, solution, root) for root in roots}


def controllers_in(up: Upward, solution: Solution, root: str) -> ControllerAnswer:
    """`controllers_on` from a solution of `up`'s control graph."""
    doubtful_declaration = [d.doubt for d in solution.declared(root)
                            if not d.certain and d.doubt]
    candidates = []
    for x in solution.controllers(root):
        node = up.nodes.get(x)
        if node is None:
            continue
        above = solution.controllers(x) if node.kind == Label.ENTERPRISE else []
        ends = ("person" if node.kind == Label.PERSON else
                STATE_BODY if node.props.get("kind") == STATE_BODY else "no_further")
        if ends == "no_further" and above:
            if any(solution.status(z, x) is Tri.YES for z in above):
                continue  # control goes on above x
            ends = "uncertain"
        sure = solution.status(x, root) is Tri.YES and ends != "uncertain" and not up.notes
        evidence, doubts = _evidence(solution, sure, x, root, up.nodes)
        declared = any(s["step"] == "declared_controller" for s in evidence)
        weighing = solution.weigh(x, root)
        reasons = [] if sure else [
            *([] if weighing.verdict is Tri.YES or declared else [_weighing_text(weighing)]),
            *([] if declared else [f"{r}: computed control stays uncertain"
                                   for r in doubtful_declaration]),
            *(["its own controller is uncertain"] if ends == "uncertain" else []),
            *doubts, *up.notes]
        rule = "declared" if declared else weighing.rule
        inputs = {"votes": [weighing.low, weighing.high],
                  "largest_other": [weighing.rival_low, weighing.rival_high],
                  "majority_above": CONTROL_MAJORITY, "largest_from": CONTROL_LARGEST}
        candidates.append(Candidate(
            node, Tri.YES if sure else Tri.UNCERTAIN, declared, ends, evidence,
            explanation(f"actual controller: {rule}", inputs,
                        reasons or ["control could not be settled"] if not sure else [])))
    candidates.sort(key=lambda c: (c.status is not Tri.YES, c.party.uid))
    if candidates:
        ends = "declared" if candidates[0].declared else candidates[0].ends
    else:
        ends = ("depth_limit" if up.notes else "cycle" if solution.controllers(root) else "none")
    return ControllerAnswer(candidates, ends, list(up.notes))


def actual_controller(store: Reader, uscc: str, on: str) -> ControllerAnswer:
    """Every party that may be the actual controller of `uscc` on `on`
    (`controllers_on` over what `read_upward` reads).

    >>> from credtrace.graph.memory import MemoryStore
    >>> actual_controller(MemoryStore(), "X", "2024-01-01").ends
    'none'
    """
    return controllers_on(read_upward(store, uscc, on), on)


@dataclass
class Ownership:
    """Effective ownership of one holder, with the paths behind it."""

    holder: str
    low: float
    high: float
    paths: list[list[Edge]] = field(default_factory=list)
    declared: tuple[float, float] | None = None  # a declared indirect figure, never summed


def effective_ownership(store: Reader, uscc: str, on: str,
                        max_depth: int = MAX_CHAIN) -> dict[str, Ownership]:
    """Every direct or indirect holder of `uscc` with its effective share bounds.

    Walks shareholdings upwards along simple paths only (a holder already on the path is
    not entered again), multiplying shares; each level is fetched in one store call. A
    holder's declared indirect figure in `uscc` is set apart in `declared`.

    >>> from credtrace.graph.memory import MemoryStore
    >>> effective_ownership(MemoryStore(), "X", "2024-01-01")
    {}
    """
    result: dict[str, Ownership] = {}
    # frontier items: (top of path, path edges from top down to uscc, low, high, on-path set)
    frontier: list[tuple[str, list[Edge], float, float, frozenset[str]]] = [
        (uscc, [], 1.0, 1.0, frozenset({uscc}))
    ]
    for _ in range(max_depth):
        if not frontier:
            break
        by_target: dict[str, list[Edge]] = {}
        for edge in holdings_into(store, sorted({f[0] for f in frontier}), on):
            by_target.setdefault(edge.target, []).append(edge)
        next_frontier = []
        for top, path, low, high, on_path in frontier:
            for edge in by_target.get(top, []):
                if edge.source in on_path:
                    continue
                e_low, e_high = share_bounds(edge)
                p_low, p_high = low * e_low / 100, high * e_high / 100
                owner = result.setdefault(edge.source, Ownership(edge.source, 0.0, 0.0))
                owner.low += p_low * 100
                owner.high += p_high * 100
                owner.paths.append([edge, *path])
                next_frontier.append((edge.source, [edge, *path], p_low, p_high,
                                      on_path | {edge.source}))
        frontier = next_frontier
    for owner in result.values():
        owner.low, owner.high = round(owner.low, 6), round(min(owner.high, 100.0), 6)
    for edge in holdings_into(store, [uscc], on, declared=True):
        result.setdefault(edge.source, Ownership(edge.source, 0.0, 0.0)).declared = \
            declared_bounds(edge)
    return result

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
from dataclasses import dataclass, field
from typing import Any

from graph.records import Edge, Node
from graph.store import Direction, Store
from graph.timeline import Validity, uncertainty_reason, validity
from graph.view import Hop, Plan
from queries.common import interval, party, provenance

CONTROL_MAJORITY = 50.0
CONTROL_LARGEST = 30.0
MAX_CHAIN = 12
#: What ownership and control chains climb: holdings into, and declared controllers of,
#: an enterprise.
UPWARD = ("HOLDS_SHARES", "ACTUAL_CONTROLLER")


def upward_plan(first: Sequence[str], also: Hop | None = None) -> Plan:
    """A `Store.prefetch` plan for a query walking chains up from one enterprise: `first`
    and `UPWARD` relationships into it, then `UPWARD` ones level by level to `MAX_CHAIN`
    (and `also` from whatever the hop before reached). Persons are asked too: a walk asks
    every holder, and learns from the answer that nobody holds a person."""
    up: Sequence[tuple[Sequence[str], Direction]] = ((UPWARD, "in"),)
    later: Hop = {"Enterprise": up, "Person": up, **(also or {})}
    return ({"Enterprise": (((*UPWARD, *first), "in"),)}, *[later] * (MAX_CHAIN - 1))


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


def holdings_into(store: Store, uids: list[str], on: str, *,
                  declared: bool = False) -> list[Edge]:
    """Shareholdings into any of `uids` that may hold on `on`, in a stable order: the links
    of ownership chains, or with `declared=True` only the declared indirect figures."""
    edges = store.adjacent(uids, ["HOLDS_SHARES"], "in", on)
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
    """Who controls an enterprise on a date, and by which rule."""

    enterprise: str
    holder: str
    share: float
    rule: str  # "majority" (> 50 %) or "largest" (>= 30 % and strictly largest)
    edge: Edge
    uncertain: list[str] = field(default_factory=list)


def controlling_shareholder(store: Store, uscc: str, on: str,
                            edges: list[Edge] | None = None) -> Control | None:
    """The controlling shareholder of `uscc` on `on` (domain.md §4), if any.

    Shares are taken at their lower bound; a holding whose start is unknown is used but
    marks the answer uncertain.
    """
    edges = edges if edges is not None else holdings_into(store, [uscc], on)
    totals: dict[str, tuple[float, Edge]] = {}
    for edge in edges:
        low, _ = share_bounds(edge)
        current = totals.get(edge.source)
        totals[edge.source] = (low + (current[0] if current else 0.0), edge)
    if not totals:
        return None
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))
    holder, (share, edge) = ranked[0]
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    if share > CONTROL_MAJORITY:
        rule = "majority"
    elif share >= CONTROL_LARGEST and share > runner_up:
        rule = "largest"
    else:
        return None
    uncertain = [
        uncertainty_reason(e.start, e.end, on)
        for e in edges
        if e.source == holder and validity(e.start, e.end, on) is Validity.UNCERTAIN
    ]
    return Control(uscc, holder, round(share, 4), rule, edge, uncertain)


@dataclass
class ControllerAnswer:
    """The actual controller of an enterprise on a date and the chain behind it."""

    controller: Node | None
    declared: bool
    chain: list[dict[str, Any]]
    ends: str  # person, state_body, declared, none, cycle, depth_limit
    uncertain: list[str] = field(default_factory=list)


def declared_controllers(store: Store, uscc: str, on: str) -> list[Edge]:
    """Declared actual-controller relationships of `uscc` that may hold on `on`."""
    edges = store.adjacent([uscc], ["ACTUAL_CONTROLLER"], "in", on)
    return sorted(edges, key=lambda e: e.source)


def actual_controller(store: Store, uscc: str, on: str) -> ControllerAnswer:
    """Follow control upwards from `uscc` until a person, a state body or a declaration.

    >>> from graph.memory import MemoryStore
    >>> actual_controller(MemoryStore(), "X", "2024-01-01").ends
    'none'
    """
    chain: list[dict[str, Any]] = []
    uncertain: list[str] = []
    seen = {uscc}
    current = uscc
    for _ in range(MAX_CHAIN):
        declared = declared_controllers(store, current, on)
        if declared:
            edge = declared[0]
            nodes = store.get_nodes([edge.source])
            uncertain += [uncertainty_reason(e.start, e.end, on) for e in declared
                          if validity(e.start, e.end, on) is Validity.UNCERTAIN]
            chain.append({"step": "declared_controller", "enterprise": current,
                          "controller": party(nodes[edge.source]), **interval(edge),
                          "provenance": provenance(edge.props)})
            return ControllerAnswer(nodes[edge.source], True, chain, "declared", uncertain)
        control = controlling_shareholder(store, current, on)
        if control is None:
            node = store.get_node(current) if chain else None
            return ControllerAnswer(node, False, chain, "none" if not chain else "no_further",
                                    uncertain)
        holder = store.get_node(control.holder)
        assert holder is not None
        step = shareholding_step(control.edge, {holder.uid: holder})
        step.update(rule=control.rule, share=control.share)
        chain.append(step)
        uncertain += control.uncertain
        if holder.kind == "Person":
            return ControllerAnswer(holder, False, chain, "person", uncertain)
        if holder.props.get("kind") == "state_body":
            return ControllerAnswer(holder, False, chain, "state_body", uncertain)
        if holder.uid in seen:
            return ControllerAnswer(None, False, chain, "cycle",
                                    [*uncertain, "control runs in a circle"])
        seen.add(holder.uid)
        current = holder.uid
    return ControllerAnswer(None, False, chain, "depth_limit",
                            [*uncertain, f"control chain longer than {MAX_CHAIN}"])


@dataclass
class Ownership:
    """Effective ownership of one holder, with the paths behind it."""

    holder: str
    low: float
    high: float
    paths: list[list[Edge]] = field(default_factory=list)
    declared: tuple[float, float] | None = None  # a declared indirect figure, never summed


def effective_ownership(store: Store, uscc: str, on: str,
                        max_depth: int = MAX_CHAIN) -> dict[str, Ownership]:
    """Every direct or indirect holder of `uscc` with its effective share bounds.

    Walks shareholdings upwards along simple paths only (a holder already on the path is
    not entered again), multiplying shares; each level is fetched in one store call. A
    holder's declared indirect figure in `uscc` is set apart in `declared`.

    >>> from graph.memory import MemoryStore
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

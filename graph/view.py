"""Read a query's neighbourhood in one go, then answer its reads from memory.

A query over the primitives makes one store call per step of its walk; on a server each is
a round trip. `Reader.prefetch` lets a query name, hop by hop, the relationships it is
about to follow (a `Plan`); a remote store reads all of them in one statement and returns a
`Prefetched` view that answers `get_nodes`, `adjacent` and `nodes` from that `Subgraph`
wherever it is complete and asks the store beneath for the rest. The plan is only a
guess about what will be read: a read it did not foresee costs a round trip, never a
different answer.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.graph.store import EntityRow
>>> store = MemoryStore()
>>> _ = store.upsert_nodes("Enterprise", [EntityRow("E", {"name": "E"})])
>>> _ = store.upsert_nodes("Person", [EntityRow("P", {"name": "P"})])
>>> _ = store.upsert_edges("DIRECTOR", [EntityRow("d", {}, source="P", target="E")])
>>> plan = ({"Person": [(("DIRECTOR",), "out")]},)
>>> view = Prefetched(store, gather(store, ["P", "X"], plan))
>>> [e.target for e in view.adjacent(["P"], ["DIRECTOR"], "out")], sorted(view.get_nodes("PEX"))
(['E'], ['E', 'P'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from credtrace.graph.reads import SIDES, Direction, Hop, Plan, Side, check_types
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import possibly_valid


@dataclass
class Subgraph:
    """What a plan read: nodes, relationships and where they are complete.

    `covered` holds, per node key, the (relationship type, side) pairs whose every
    relationship, on any date, is in `edges`; `kinds` the node kinds whose every node is
    in `nodes`; `missing` the starting keys no node has.
    """

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)
    covered: dict[str, set[tuple[str, Side]]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)

    def cover(self, frontier: Iterable[Node], hop: Hop) -> None:
        """Record that `hop` was followed from every node of `frontier`."""
        pairs = {kind: {pair for types, direction in follow for pair in _pairs(types, direction)}
                 for kind, follow in hop.items()}
        for node in frontier:
            if pairs.get(node.kind):
                self.covered.setdefault(node.uid, set()).update(pairs[node.kind])

    def covering(self, uids: Iterable[str], types: Sequence[str],
                 direction: Direction) -> set[str]:
        """Those of `uids` whose relationships of `types` on `direction`'s sides are all here."""
        needed = _pairs(types, direction)
        return {u for u in uids if needed <= self.covered.get(u, _NONE)}


_NONE: frozenset[tuple[str, Side]] = frozenset()


def _pairs(types: Sequence[str], direction: Direction) -> set[tuple[str, Side]]:
    return {(t, s) for t in types for s in SIDES[direction]}


def gather(store: Reader, uids: Sequence[str], plan: Plan,
           kinds: Sequence[str] = ()) -> Subgraph:
    """The reference reading of `plan` over the primitives (one `adjacent` call per hop,
    kind and direction); a store's one-statement reading must return the same subgraph."""
    sub = Subgraph(nodes=dict(store.get_nodes(uids)))
    sub.missing = set(uids) - sub.nodes.keys()
    frontier = set(sub.nodes)
    for hop in plan:
        reached: set[str] = set()
        for kind, follow in hop.items():
            here = {u for u in frontier if sub.nodes[u].kind == kind}
            for types, direction in follow if here else ():
                for edge in store.adjacent(sorted(here), types, direction):
                    sub.edges.setdefault(edge.eid, edge)
                    reached.update(edge.other(x) for x in (edge.source, edge.target)
                                   if x in here and _follows(edge, x, direction))
        sub.cover((sub.nodes[u] for u in frontier), hop)
        unseen = sorted(reached - sub.nodes.keys())
        sub.nodes.update(store.get_nodes(unseen) if unseen else {})
        frontier = reached
    for kind in kinds:
        sub.nodes.update((n.uid, n) for n in store.nodes(kind))
        sub.kinds.add(kind)
    return sub


def _follows(edge: Edge, uid: str, direction: Direction) -> bool:
    """Whether `edge` leaves `uid` the way `direction` says."""
    return (direction == "both" or (direction == "out" and edge.source == uid)
            or (direction == "in" and edge.target == uid))


class Prefetched(Reader):
    """A reader answering from a `Subgraph` where it is complete, else from `store`
    (see the module doc)."""

    def __init__(self, store: Reader, sub: Subgraph) -> None:
        self.store, self.sub, self.name = store, sub, store.name
        self._touching: dict[str, list[Edge]] = defaultdict(list)
        for edge in sub.edges.values():
            self._touching[edge.source].append(edge)
            if edge.target != edge.source:
                self._touching[edge.target].append(edge)

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        wanted = list(uids)
        nodes = self.sub.nodes
        rest = [u for u in wanted if u not in nodes and u not in self.sub.missing]
        fetched = self.store.get_nodes(rest) if rest else {}
        return {u: nodes.get(u) or fetched[u] for u in wanted if u in nodes or u in fetched}

    def adjacent(self, uids: Iterable[str], types: Sequence[str] | None = None,
                 direction: Direction = "both", on: str | None = None) -> list[Edge]:
        check_types(types)
        wanted = list(dict.fromkeys(uids))
        if types is None:
            return self.store.adjacent(wanted, types, direction, on)
        here = self.sub.covering(wanted, types, direction)
        found: dict[str, Edge] = {}
        for uid in here:
            for edge in self._touching.get(uid, ()):
                if (edge.type in types and _follows(edge, uid, direction)
                        and (on is None or possibly_valid(edge.start, edge.end, on))):
                    found.setdefault(edge.eid, edge)
        rest = [u for u in wanted if u not in here]
        for edge in self.store.adjacent(rest, types, direction, on) if rest else ():
            found.setdefault(edge.eid, edge)
        return list(found.values())

    def nodes(self, kind: str) -> Iterator[Node]:
        if kind not in self.sub.kinds:
            return self.store.nodes(kind)
        return iter(sorted((n for n in self.sub.nodes.values() if n.kind == kind),
                           key=lambda n: n.uid))

    def prefetch(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str] = ()) -> Reader:
        """More read at once, on top of this view (which answers what the new read lacks);
        this view itself when it already holds all that `plan` reads."""
        if self._holds(uids, plan, kinds):
            return self
        more = self.store.prefetch(uids, plan, kinds)
        return Prefetched(self, more.sub) if isinstance(more, Prefetched) else self

    def _holds(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str]) -> bool:
        """Whether reading `plan` from `uids` (`gather`) would read nothing new."""
        sub = self.sub
        if not sub.kinds.issuperset(kinds) or not all(u in sub.nodes or u in sub.missing
                                                      for u in uids):
            return False
        frontier = {u for u in uids if u in sub.nodes}
        for hop in plan:
            reached: set[str] = set()
            for uid in frontier:
                for types, direction in hop.get(sub.nodes[uid].kind, ()):
                    if not sub.covering([uid], types, direction):
                        return False
                    reached.update(e.other(uid) for e in self._touching.get(uid, ())
                                   if e.type in types and _follows(e, uid, direction))
            if not reached <= sub.nodes.keys():
                return False
            frontier = reached
        return True

    # --- everything else is the store's ------------------------------------------
    def edges(self, rel_type: str) -> Iterator[Edge]:
        return self.store.edges(rel_type)

    def search(self, text: str, limit: int = 20) -> list[Node]:
        return self.store.search(text, limit)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def shortest_paths(self, a: str, b: str, types: Sequence[str], on: str | None,
                       max_hops: int, limit: int) -> list[list[Edge]]:
        return self.store.shortest_paths(a, b, types, on, max_hops, limit)

"""Breadth-first walks over the `adjacent` primitive, and all shortest paths between two nodes.

Written once above the store primitives: one `adjacent` call per layer of a walk. Paths come
in one canonical order, by the sequence of (node key, relationship key) pairs from the start,
so every store lists the same paths first and a `limit` cuts them at the same place.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.graph.store import EntityRow
>>> store = MemoryStore()
>>> _ = store.upsert_nodes("Enterprise", [EntityRow(k, {"name": k}) for k in "AB"])
>>> _ = store.upsert_nodes("Person", [EntityRow(p, {"name": p}) for p in ("张三", "李四")])
>>> _ = store.upsert_edges("DIRECTOR", [EntityRow(p + k, {}, source=p, target=k)
...                                     for p in ("张三", "李四") for k in "AB"])
>>> [[e.eid for e in path] for path in shortest_paths(store, "A", "B", ["DIRECTOR"], None, 4, 9)]
[['张三A', '张三B'], ['李四A', '李四B']]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from credtrace.graph.reads import Adjacency
from credtrace.graph.records import Edge

#: Longest path search any setting may allow (Cypher needs the bound as a literal).
MAX_PATH_HOPS = 8

#: One step of a walk: the node at the other end and the relationship to it.
Step = tuple[str, Edge]


def _step_key(step: Step) -> tuple[str, str]:
    return step[0], step[1].eid


class Walk:
    """A breadth-first walk from `root`: each node's distance and every shortest-path parent."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.depth = 0
        self.dist: dict[str, int] = {root: 0}
        self.parents: dict[str, list[Step]] = {root: []}
        self.frontier: list[str] = [root]
        self.edges: dict[str, Edge] = {}  # every relationship met, by key

    def step(self, store: Adjacency, types: Sequence[str] | None,
             on: str | None) -> dict[str, list[Step]]:
        """The next layer (one `adjacent` call): new nodes with their parent steps, not added."""
        frontier = set(self.frontier)
        found: dict[str, list[Step]] = {}
        for edge in store.adjacent(self.frontier, types, "both", on):
            self.edges.setdefault(edge.eid, edge)
            for here, there in ((edge.source, edge.target), (edge.target, edge.source)):
                if here in frontier and there not in self.dist:
                    found.setdefault(there, []).append((here, edge))
        for steps in found.values():
            steps.sort(key=_step_key)
        return found

    def add(self, layer: Mapping[str, list[Step]]) -> None:
        """Take `layer` (all or part of what `step` found) as the next distance."""
        self.depth += 1
        for uid, steps in layer.items():
            self.dist[uid] = self.depth
            self.parents[uid] = steps
        self.frontier = sorted(layer)

    def children(self, targets: Sequence[str]) -> dict[str, list[Step]]:
        """Forward steps of the shortest-path DAG from the root to any of `targets`."""
        on_path, todo = set(targets), list(targets)
        while todo:
            for parent, _ in self.parents[todo.pop()]:
                if parent not in on_path:
                    on_path.add(parent)
                    todo.append(parent)
        forward: dict[str, list[Step]] = {}
        for uid in on_path:
            for parent, edge in self.parents[uid]:
                forward.setdefault(parent, []).append((uid, edge))
        for steps in forward.values():
            steps.sort(key=_step_key)
        return forward

    def paths_to(self, target: str, limit: int) -> list[list[Edge]]:
        """Up to `limit` shortest paths from the root to `target`, in canonical order."""
        forward = self.children([target])
        return ordered_paths(self.root, lambda uid: forward.get(uid, []), limit)


def ordered_paths(start: str, successors: Callable[[str], Sequence[Step]],
                  limit: int) -> list[list[Edge]]:
    """Paths from `start` until a node without successors, depth first in canonical order."""
    paths: list[list[Edge]] = []
    trail: list[Edge] = []

    def visit(uid: str) -> None:
        steps = successors(uid)
        if not steps:
            paths.append(list(trail))
            return
        for nxt, edge in steps:
            if len(paths) >= limit:
                return
            trail.append(edge)
            visit(nxt)
            trail.pop()

    visit(start)
    return paths


def check_path_request(a: str, b: str, max_hops: int, limit: int) -> None:
    """Refuse a path request every store must refuse alike."""
    if a == b:
        raise ValueError("a path needs two different nodes")
    if not 1 <= max_hops <= MAX_PATH_HOPS:
        raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
    if limit < 1:
        raise ValueError("limit must be at least 1")


def shortest_paths(store: Adjacency, a: str, b: str, types: Sequence[str], on: str | None,
                   max_hops: int, limit: int) -> list[list[Edge]]:
    """All shortest paths a → b (up to `limit`, canonical order) by bidirectional search.

    The smaller frontier grows by one layer at a time; the first layer that touches the
    other side fixes the length, and every path through that layer is a shortest path.
    """
    check_path_request(a, b, max_hops, limit)
    forward, backward = Walk(a), Walk(b)
    meet: list[str] = []
    while not meet and forward.depth + backward.depth < max_hops:
        side, other = ((forward, backward) if len(forward.frontier) <= len(backward.frontier)
                       else (backward, forward))
        if not side.frontier:
            return []
        side.add(side.step(store, types, on))
        meet = [uid for uid in side.frontier if uid in other.dist]
    if not meet:
        return []
    ahead = forward.children(meet)
    return ordered_paths(a, lambda uid: ahead.get(uid) or backward.parents[uid], limit)

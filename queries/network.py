"""The neighbourhood of a node, and the pieces the exploration queries share.

`neighbourhood` answers `/v1/graph/{id}` and the pictures: every node within `hops`
relationships of the chosen kinds that are valid, or possibly valid (start unknown), on the
as-of date. Its `Subgraph.as_dict()` is a stable contract:

- `center`, `as_of`, `hops`, `kinds` (the relationship types followed), `complete`;
- `nodes`: `id`, `kind`, `label_zh` (of the kind), `name`, `distance`, `props` (declared
  properties and provenance, without bookkeeping or personal data), and for a measure its
  `state` on the date (status, in_force, repair_from, ends_by_itself), for an enterprise or
  person the ids of its own measures in force;
- `edges`: `id`, `type`, `category`, `label_zh`, `role` (role relationships), `source`,
  `target`, `start`, `end`, `validity` (`yes` / `uncertain`, with `reason`), `percentage`,
  `props`;
- `truncated`: above `max_nodes` the nearest nodes are kept (measures first, then roles,
  shareholdings and contacts, then by key); the others are counted per (node kind,
  relationship type that reached them), e.g. ``{"kind": "Person", "type": "DIRECTOR",
  "label_zh": "董事", "count": 3}`` for "+3 more directors"; `complete` is false when the
  walk stopped early.

Relationship kinds are chosen by category (`role`, `shareholding`, `measure`, `suspected`,
`authority`, `event`), relationship type (`DIRECTOR`) or role name (`director`). By default
the neighbourhood follows roles, shareholdings, measures and contacts; authorities and
due-process events connect unrelated measures, so they are followed only when asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL, PARTIES, Label, Rel
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader, public_props
from credtrace.graph.timeline import Validity, uncertainty_reason, validity
from credtrace.graph.traverse import Step, Walk
from credtrace.queries.common import (
    InvalidInput,
    Json,
    Party,
    as_of_date,
    catalogue,
    kind_of,
    require_node,
)
from credtrace.queries.measures import events_of, state

DEFAULT_MAX_NODES = 500
#: Relationships between parties: paths and exposure follow these unless told otherwise.
PARTY_KINDS = ("role", "shareholding")
#: Related parties add suspected links (shared address, phone, e-mail through contacts) and
#: family and associate links, each listed apart.
RELATED_KINDS = (*PARTY_KINDS, "suspected", "family")
#: What a neighbourhood shows unless told otherwise (family links when asked).
GRAPH_KINDS = (*PARTY_KINDS, "suspected", "measure")

#: Relationships that are facts of a record rather than intervals (a registered contact, the
#: determining authority): without dates they count as valid, not as uncertain.
UNDATED = {rel.name for rel in MODEL.rels if rel.category in ("suspected", "authority")}

_CATEGORY_ORDER = ("measure", "role", "shareholding", "family", "suspected", "authority",
                   "event", "identifier")
#: Keep-first order of relationship types when a neighbourhood is cut.
TYPE_RANK = {rel.name: (_CATEGORY_ORDER.index(rel.category), i)
             for i, rel in enumerate(MODEL.rels)}


def rel_types(kinds: Iterable[str] | None, default: Sequence[str] = GRAPH_KINDS) -> list[str]:
    """The relationship types chosen by categories, types or role names, in model order.

    >>> rel_types(["shareholding", "legal_representative"])
    ['LEGAL_REPRESENTATIVE', 'HOLDS_SHARES']
    """
    categories = {rel.category for rel in MODEL.rels}
    types = {rel.name for rel in MODEL.rels}
    chosen: set[str] = set()
    for kind in default if kinds is None else kinds:
        text = kind.strip()
        if text in categories:
            chosen.update(r.name for r in MODEL.rels if r.category == text)
        elif text.upper() in types:
            chosen.add(text.upper())
        elif text in MODEL.roles:
            chosen.add(MODEL.roles[text])
        else:
            raise InvalidInput(
                f"unknown relationship kind {kind!r}: use a category "
                f"({', '.join(sorted(categories))}), a relationship type or a role name")
    if not chosen:
        raise InvalidInput("choose at least one relationship kind")
    return [rel.name for rel in MODEL.rels if rel.name in chosen]


def bounded(name: str, value: int, low: int, high: int) -> int:
    """`value` if within [low, high], else `InvalidInput` (depths and sizes are bounded)."""
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}, got {value}")
    return value


def brief(node: Node) -> Party:
    """Key, kind and display name (a contact shows its address, phone or e-mail)."""
    name = node.props.get("value") if node.kind == Label.CONTACT else None
    return {"id": node.uid, "kind": node.kind, "name": name or node.name}


def node_entry(node: Node, distance: int | None = None) -> dict[str, Any]:
    """A node for answers and pictures: declared properties without personal data."""
    kind = MODEL.node(node.kind)
    hidden = {p.name for p in kind.props if p.personal} | {"name"}
    entry: dict[str, Any] = {
        **brief(node), "label_zh": kind.label_zh,
        "props": {k: v for k, v in public_props(node.props).items() if k not in hidden},
    }
    if distance is not None:
        entry["distance"] = distance
    return entry


def edge_entry(edge: Edge, on: str) -> dict[str, Any]:
    """A relationship with its validity on `on` (`uncertain` carries the reason)."""
    rel = MODEL.rel(edge.type)
    valid = (Validity.YES if edge.type in UNDATED and edge.start is None and edge.end is None
             else validity(edge.start, edge.end, on))
    entry: dict[str, Any] = {
        "id": edge.eid, "type": edge.type, "category": rel.category, "label_zh": rel.label_zh,
        "source": edge.source, "target": edge.target, "start": edge.start, "end": edge.end,
        "validity": valid.value, "percentage": edge.props.get("percentage"),
        "props": {k: v for k, v in public_props(edge.props).items()
                  if k not in ("start", "end", "percentage")},
    }
    if rel.role:
        entry["role"] = rel.role
    if valid is Validity.UNCERTAIN:
        entry["reason"] = uncertainty_reason(edge.start, edge.end, on)
    return entry


def path_nodes(start: str, edges: Sequence[Edge]) -> list[str]:
    """The node keys along a path that begins at `start`."""
    keys = [start]
    for edge in edges:
        keys.append(edge.other(keys[-1]))
    return keys


class PathEntry(TypedDict):
    """A path: its parties in order, its relationships, the indexes of uncertain steps."""

    length: int
    nodes: list[Party]
    edges: list[Json]
    uncertain: list[int]


def path_entry(start: str, edges: Sequence[Edge], nodes: Mapping[str, Node],
               on: str) -> PathEntry:
    """A path from `start`: its nodes, its relationships and the indexes of uncertain steps."""
    steps = [edge_entry(edge, on) for edge in edges]
    return {
        "length": len(steps),
        "nodes": [brief(nodes[uid]) for uid in path_nodes(start, edges)],
        "edges": steps,
        "uncertain": [i for i, step in enumerate(steps) if step["validity"] != "yes"],
    }


def _rank(steps: Sequence[Step]) -> tuple[int, int]:
    return min(TYPE_RANK[edge.type] for _, edge in steps)


@dataclass
class Exploration:
    """A bounded breadth-first walk: what it kept, and what it had to leave out."""

    walk: Walk
    left_out: dict[str, str] = field(default_factory=dict)  # key -> type that reached it
    complete: bool = True
    frontier_fetched: bool = False  # the last layer's relationships were read


def explore(store: Reader, root: str, types: Sequence[str], on: str, hops: int,
            max_nodes: int) -> Exploration:
    """Walk `hops` layers from `root`, keeping at most `max_nodes` nodes, nearest first."""
    found = Exploration(Walk(root))
    walk = found.walk
    for _ in range(hops):
        layer = walk.step(store, types, on)
        if not layer:
            found.frontier_fetched = True
            break
        order = sorted(layer, key=lambda uid: (_rank(layer[uid]), uid))
        room = max(max_nodes - len(walk.dist), 0)
        if order[:room]:
            walk.add({uid: layer[uid] for uid in order[:room]})
        if len(order) > room:
            found.left_out = {uid: min(layer[uid], key=lambda s: TYPE_RANK[s[1].type])[1].type
                              for uid in order[room:]}
            found.complete = False
            break
    return found


class GraphAnswer(TypedDict):
    """Nodes and edges within `hops` of a node (for pictures); `truncated` counts what
    the node cap left out, by kind and relationship type."""

    center: str
    as_of: str
    hops: int
    kinds: list[str]
    complete: bool
    nodes: list[Json]
    edges: list[Json]
    truncated: list[Json]


@dataclass
class Subgraph:
    """Nodes and relationships around `center` as of a date (see the module's contract)."""

    center: str
    as_of: str
    hops: int
    kinds: list[str] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    truncated: dict[tuple[str, str], int] = field(default_factory=dict)
    complete: bool = True

    def as_dict(self) -> GraphAnswer:
        return {
            "center": self.center, "as_of": self.as_of, "hops": self.hops,
            "kinds": self.kinds, "complete": self.complete,
            "nodes": self.nodes, "edges": self.edges,
            "truncated": [{"kind": kind, "type": rel_type,
                           "label_zh": MODEL.rel(rel_type).label_zh, "count": count}
                          for (kind, rel_type), count in sorted(self.truncated.items())],
        }


def _measure_marks(store: Reader, nodes: Mapping[str, Node], on: str) -> dict[str, Any]:
    """Each measure node's state on `on`, and each party's own measures in force."""
    parties = [uid for uid, node in nodes.items() if node.kind in PARTIES]
    imposed = store.adjacent(parties, [Rel.IMPOSED_ON], "in") if parties else []
    ids = sorted({uid for uid, n in nodes.items() if n.kind == Label.MEASURE}
                 | {e.source for e in imposed})
    if not ids:
        return {}
    measures = store.get_nodes(ids)
    events = events_of(store, ids)
    kinds = catalogue(store)
    states = {uid: state(measures[uid].props, events[uid], on, kind_of(kinds, measures[uid]))
              for uid in ids}
    marks: dict[str, Any] = {uid: {"state": {
        "status": states[uid].status, "in_force": states[uid].in_force,
        "repair_from": states[uid].repair_from, "ends_by_itself": states[uid].ends_by_itself}}
        for uid in ids if uid in nodes}
    for uid in parties:
        marks[uid] = {"measures_in_force": sorted(
            e.source for e in imposed if e.target == uid and states[e.source].in_force)}
    return marks


def neighbourhood(store: Reader, party_id: str, *, hops: int = 1,
                  kinds: Sequence[str] | None = None, as_of: str | None = None,
                  max_nodes: int = DEFAULT_MAX_NODES, limits: Limits = DEFAULT_LIMITS
                  ) -> Subgraph:
    """Every node within `hops` relationships of `party_id`, valid (or uncertain) on `as_of`.

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> sub = neighbourhood(store, "914101057123456728", kinds=["LEGAL_REPRESENTATIVE"],
    ...                     as_of="2024-01-01")
    >>> [n["name"] for n in sub.nodes]
    ['郑州华信商贸有限公司', '李娜']
    >>> small = neighbourhood(store, "914101057123456728", max_nodes=3, as_of="2024-01-01")
    >>> [n["name"] for n in small.nodes], small.truncated[("Contact", "HAS_CONTACT")]
    (['郑州华信商贸有限公司', 'ZZ-2021-JP-0001', '李娜'], 3)
    """
    hops = bounded("hops", hops, 1, limits.max_hops)
    max_nodes = bounded("max_nodes", max_nodes, 1, limits.max_results)
    day = as_of_date(as_of)
    types = rel_types(kinds)
    center = require_node(store, party_id)
    found = explore(store, center.uid, types, day, hops, max_nodes)
    walk = found.walk
    edges = dict(walk.edges)
    if walk.frontier and not found.frontier_fetched:
        for edge in store.adjacent(walk.frontier, types, "both", day):
            edges.setdefault(edge.eid, edge)
    nodes = store.get_nodes(walk.dist)
    left = store.get_nodes(found.left_out)
    marks = _measure_marks(store, nodes, day)
    order = sorted(walk.dist, key=lambda uid: (walk.dist[uid], _rank(walk.parents[uid])
                                               if walk.parents[uid] else (-1, -1), uid))
    kept = [e for e in edges.values() if e.source in walk.dist and e.target in walk.dist]
    kept.sort(key=lambda e: (TYPE_RANK[e.type], e.source, e.target, e.eid))
    return Subgraph(
        center=center.uid, as_of=day, hops=hops, kinds=types, complete=found.complete,
        nodes=[{**node_entry(nodes[uid], walk.dist[uid]), **marks.get(uid, {})}
               for uid in order],
        edges=[edge_entry(e, day) for e in kept],
        truncated=dict(Counter((left[uid].kind, rel_type)
                               for uid, rel_type in found.left_out.items())),
    )

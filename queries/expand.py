"""Expand one node by relationship category, a page at a time (the workbench's "expand").

`expand` lists the neighbours of a node one relationship away, along the chosen kinds,
valid (or uncertain) on the as-of date, in one stable order: measures first, then roles,
shareholdings and contacts (the neighbourhood's keep-first order), then by key. A hub (a
person with 76 roles) is answered a page at a time: `offset` and `limit` cut that order,
`total` counts every neighbour and `more` counts what is left after the page per
relationship type (the "+N more 董事" node of the picture), `next_offset` opens the next
page (null on the last).

Each node is the neighbourhood's node entry (`queries.network`), a measure with its state
on the date and a party with its measures in force; each edge carries its validity and
interval. Personal data is in the answer; masking is the caller's job.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> page = expand(store, "914101057123456728", kinds=["role"], as_of="2024-01-01", limit=2)
>>> [n["name"] for n in page["nodes"]], page["total"], page["next_offset"]
(['李娜', '王芳'], 3, 2)
>>> page["more"]
[{'type': 'MANAGER', 'label_zh': '经理', 'count': 1}]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL
from credtrace.graph.records import Edge
from credtrace.graph.store import Reader
from credtrace.queries.common import Json, as_of_date, require_node
from credtrace.queries.network import (
    TYPE_RANK,
    _measure_marks,
    bounded,
    edge_entry,
    node_entry,
    rel_types,
)

DEFAULT_PAGE = 25


def _first_type(edges: Sequence[Edge]) -> str:
    return min((edge.type for edge in edges), key=lambda t: TYPE_RANK[t])


class ExpandAnswer(TypedDict):
    """One page of a node's neighbours along the chosen kinds; `more` counts what the
    next pages hold per relationship type."""

    center: Json
    as_of: str
    kinds: list[str]
    offset: int
    limit: int
    total: int
    nodes: list[Json]
    edges: list[Json]
    more: list[Json]
    next_offset: int | None


def expand(store: Reader, party_id: str, *, kinds: Sequence[str] | None = None,
           as_of: str | None = None, offset: int = 0, limit: int = DEFAULT_PAGE,
           limits: Limits = DEFAULT_LIMITS) -> ExpandAnswer:
    """One page of the neighbours of `party_id` along `kinds`, valid (or uncertain) on
    `as_of`, with the relationships that join each to it."""
    offset = bounded("offset", offset, 0, 10_000_000)
    limit = bounded("limit", limit, 1, limits.max_results)
    day = as_of_date(as_of)
    types = rel_types(kinds)
    center = require_node(store, party_id)
    by_neighbour: dict[str, list[Edge]] = {}
    for edge in store.adjacent([center.uid], types, "both", day):
        if edge.source != edge.target:
            by_neighbour.setdefault(edge.other(center.uid), []).append(edge)
    order = sorted(by_neighbour, key=lambda uid: (TYPE_RANK[_first_type(by_neighbour[uid])],
                                                  uid))
    page = order[offset:offset + limit]
    nodes = store.get_nodes(page)
    marks = _measure_marks(store, nodes, day)
    edges = sorted((e for uid in page for e in by_neighbour[uid]),
                   key=lambda e: (TYPE_RANK[e.type], e.source, e.target, e.eid))
    rest = Counter(_first_type(by_neighbour[uid]) for uid in order[offset + limit:])
    end = offset + len(page)
    return {
        "center": node_entry(center), "as_of": day, "kinds": types, "offset": offset,
        "limit": limit, "total": len(order),
        "nodes": [{**node_entry(nodes[uid], 1), **marks.get(uid, {})} for uid in page],
        "edges": [edge_entry(edge, day) for edge in edges],
        "more": [{"type": t, "label_zh": MODEL.rel(t).label_zh, "count": rest[t]}
                 for t in sorted(rest, key=lambda t: TYPE_RANK[t])],
        "next_offset": end if end < len(order) else None,
    }

"""How two parties are connected: every shortest path between them on a date.

Paths run over relationships valid, or possibly valid, on the as-of date; a step whose start
is unknown is listed in the path's `uncertain` indexes with the reason on the step. By
default they follow roles and shareholdings only: measures, authorities and events are
not connectors, and contacts (shared address, phone, e-mail) join in only when the
`suspected` kind is chosen. The search itself is the store's `shortest_paths` operation
(server-side in Neo4j); answers list paths in one canonical order on every store.
"""

from __future__ import annotations

from collections.abc import Sequence

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import PARTIES
from credtrace.graph.store import Reader
from credtrace.queries.common import InvalidInput, Party, as_of_date, party, require_node
from credtrace.queries.network import (
    PARTY_KINDS,
    PathEntry,
    bounded,
    path_entry,
    path_nodes,
    rel_types,
)

#: Every shortest path between two parties (at most `limit`); `length` null: no path.
PathsAnswer = TypedDict("PathsAnswer", {  # "from" is a keyword: the functional form
    "from": Party, "to": Party, "as_of": str, "kinds": list[str], "max_hops": int,
    "length": int | None, "paths": list[PathEntry], "more": bool})


def paths(store: Reader, a: str, b: str, *, as_of: str | None = None,
          kinds: Sequence[str] | None = None, max_hops: int = 6,
          limit: int = 10, limits: Limits = DEFAULT_LIMITS) -> PathsAnswer:
    """All shortest paths (equal length, at most `limit`) between parties `a` and `b`.

    No path within `max_hops` is an answer, not an error: ``paths == []``, ``length None``.

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> answer = paths(store, "914101057123456728", "91410102812345696N", as_of="2024-01-01")
    >>> answer["length"], [n["name"] for n in answer["paths"][0]["nodes"]]
    (2, ['郑州华信商贸有限公司', '李娜', '郑州新华信贸易有限公司'])
    >>> sorted({tuple(e["label_zh"] for e in p["edges"]) for p in answer["paths"]})
    [('法定代表人', '法定代表人'), ('法定代表人', '股东'), ('股东', '法定代表人'), ('股东', '股东')]
    """
    max_hops = bounded("max_hops", max_hops, 1, limits.max_path_hops)
    limit = bounded("limit", limit, 1, limits.max_results)
    day = as_of_date(as_of)
    types = rel_types(kinds, PARTY_KINDS)
    first, second = require_node(store, a, *PARTIES), require_node(store, b, *PARTIES)
    if first.uid == second.uid:
        raise InvalidInput("a path needs two different parties")
    found = store.shortest_paths(first.uid, second.uid, types, day, max_hops, limit + 1)
    shown = found[:limit]
    nodes = store.get_nodes({uid for edges in shown for uid in path_nodes(first.uid, edges)})
    return {
        "from": party(first), "to": party(second), "as_of": day, "kinds": types,
        "max_hops": max_hops, "length": len(found[0]) if found else None,
        "paths": [path_entry(first.uid, edges, nodes, day) for edges in shown],
        "more": len(found) > limit,
    }

"""Parity: the store under test answers exactly like a separate embedded load of the same
data, for `shortest_paths` (server-side Cypher on Neo4j, the generic walk in memory) and for
every exploration query on the example.

With the `store` fixture this runs against Neo4j whenever NEO4J_URI is set (and must, in
CI); on the memory half it proves two loads answer identically.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from credtrace.graph import MemoryStore, Store
from credtrace.graph.model import PARTIES
from credtrace.ingest import ingest_bundle
from credtrace.queries.alerts import alerts
from credtrace.queries.network import neighbourhood, rel_types
from credtrace.queries.paths import paths
from credtrace.queries.related import related
from tests.conftest import EXAMPLE
from tests.test_paths import path_bundle

DATES = ("2009-06-01", "2014-06-01", "2019-06-01", "2021-06-01", "2024-01-01")


#: Provenance that differs between the two loads: each store has its own run id.
LOAD_SPECIFIC = ("run_id",)


def without_runs(value: Any) -> Any:
    """An answer without load-specific provenance."""
    if isinstance(value, dict):
        return {k: without_runs(v) for k, v in value.items() if k not in LOAD_SPECIFIC}
    if isinstance(value, list):
        return [without_runs(v) for v in value]
    return value


def party_keys(store: Store) -> list[str]:
    return sorted(n.uid for kind in PARTIES for n in store.nodes(kind))


def eids(found: list[list[Any]]) -> list[list[str]]:
    return [[edge.eid for edge in path] for path in found]


def test_shortest_paths_parity(store: Store, tmp_path: Path) -> None:
    reference = MemoryStore()
    bundle = path_bundle().write(tmp_path / "bundle")
    for each in (reference, store):
        ingest_bundle(each, bundle)
    kinds = {"parties": rel_types(["role", "shareholding"]), "roles": rel_types(["role"])}
    compared = found = 0
    for a, b in itertools.permutations(party_keys(reference), 2):
        for day, (name, types), limit in itertools.product(DATES, kinds.items(), (1, 2, 10)):
            want = eids(reference.shortest_paths(a, b, types, day, 6, limit))
            got = eids(store.shortest_paths(a, b, types, day, 6, limit))
            assert got == want, (a, b, day, name, limit)
            compared, found = compared + 1, found + bool(want)
    assert found and found < compared  # some pairs are connected, some are not


def subgraph(store: Store, key: str, **options: Any) -> dict[str, Any]:
    return neighbourhood(store, key, **options).as_dict()


def test_every_query_answers_alike_on_the_example(store: Store) -> None:
    reference = MemoryStore()
    for each in (reference, store):
        ingest_bundle(each, EXAMPLE)
    keys = party_keys(reference)
    calls: list[tuple[Any, tuple[str, ...], dict[str, Any]]] = [(alerts, (), {"k": 3})]
    calls += [(subgraph, (key,), {"hops": 2}) for key in keys]
    calls += [(related, (key,), {"hops": 3}) for key in keys]
    calls += [(paths, pair, {"kinds": ["role", "shareholding", "suspected"]})
              for pair in itertools.combinations(keys, 2)]
    for day, (query, args, options) in itertools.product(("2021-03-01", "2024-01-01"), calls):
        want = without_runs(query(reference, *args, as_of=day, **options))
        got = without_runs(query(store, *args, as_of=day, **options))
        assert got == want, (query.__name__, args, options, day)

"""`Reader.prefetch`: a plan read at once answers every read exactly like the store.

On Neo4j the one-statement reading must equal the reference reading over the primitives
(`graph.view.gather`); on every store a `Prefetched` view must answer `adjacent`,
`get_nodes` and `nodes` like the store itself, covered or not. The query parity suites
(test_query_parity, test_check) prove the queries answer alike with and without it.
"""

from __future__ import annotations

import itertools
from typing import Any

from credtrace.graph import MODEL, Store
from credtrace.graph.reads import Plan
from credtrace.graph.view import Prefetched, Subgraph, gather
from credtrace.ingest import ingest_bundle
from credtrace.queries.accountability import REACHED_PLAN, READ_PLAN
from credtrace.queries.check import read_plan
from credtrace.queries.owners import FALLBACK_TYPES
from credtrace.queries.ownership import upward_plan
from credtrace.queries.score import SCORE_PLAN
from tests.conftest import EXAMPLE

PLANS: dict[str, tuple[Plan, list[str]]] = {
    "check": (read_plan(False), ["MeasureKind"]),
    "check with risk": (read_plan(True), ["MeasureKind"]),
    "owners": (upward_plan(FALLBACK_TYPES), []),
    "accountable": (READ_PLAN, ["MeasureKind"]),
    "reached_by": (REACHED_PLAN, []),
    "score": (SCORE_PLAN, []),
}
TYPES = (None, ["HOLDS_SHARES"], ["IMPOSED_ON", "EVENT_OF"], list(MODEL.rels_of("role")))
DATES = (None, "2016-01-01", "2021-06-15", "2024-01-01")


def parties(store: Store) -> list[str]:
    return sorted(n.uid for kind in ("Enterprise", "Person") for n in store.nodes(kind))


def summary(sub: Subgraph) -> tuple[Any, ...]:
    return (sorted(sub.nodes), sorted(sub.edges),
            sorted((u, *pair) for u, pairs in sub.covered.items() for pair in pairs),
            sorted(sub.kinds), sorted(sub.missing))


def test_one_statement_reads_what_the_primitives_read(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    keys = parties(store)
    for (plan, kinds), start in itertools.product(PLANS.values(),
                                                  [[k] for k in keys] + [keys, ["nobody"]]):
        view = store.prefetch(start, plan, kinds)
        expected = gather(store, start, plan, kinds)
        if isinstance(view, Prefetched):  # a remote store: its own reading, compared
            assert summary(view.sub) == summary(expected), start
        assert expected.missing == ({"nobody"} if start == ["nobody"] else set())


def test_a_view_answers_like_its_store(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    keys = parties(store)
    for name, (plan, kinds) in PLANS.items():
        view = Prefetched(store, gather(store, keys[::3], plan, kinds))
        assert view.get_nodes([*keys, "nobody"]).keys() == store.get_nodes(keys).keys()
        assert sorted(n.uid for n in view.nodes("MeasureKind")) == \
            sorted(n.uid for n in store.nodes("MeasureKind"))
        for types, on, direction in itertools.product(TYPES, DATES, ("in", "out", "both")):
            for some in (keys[:5], keys[::4], keys):
                got = sorted(e.eid for e in view.adjacent(some, types, direction, on))
                want = sorted(e.eid for e in store.adjacent(some, types, direction, on))
                assert got == want, (name, types, on, direction)


def test_a_view_holding_a_plan_reads_it_no_more(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    keys = parties(store)
    whole = Prefetched(store, gather(store, keys, SCORE_PLAN))
    assert whole.prefetch(keys[::2], SCORE_PLAN) is whole  # no statement
    part = Prefetched(whole, gather(store, keys[:2], SCORE_PLAN[:2]))
    assert part.prefetch(keys[:2], SCORE_PLAN[:2]) is part
    more = part.prefetch(keys[:2], SCORE_PLAN)  # further than it read: asked beneath,
    assert isinstance(more, Prefetched) and more.sub is whole.sub  # where it is held

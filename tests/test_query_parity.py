"""Parity: `check`, `owners`, `group`, `score` and `accountable` answer the same, as JSON, on
the store under test as on a separate embedded load of the same bundle.

With the `store` fixture this runs against Neo4j whenever NEO4J_URI is set (and must, in
CI); on the memory half it proves two loads answer identically.
"""

from __future__ import annotations

import json
from typing import Any

from graph import MemoryStore, Store
from ingest import ingest_bundle
from queries.accountability import accountable
from queries.check import check, check_batch
from queries.owners import group, owners
from queries.score import score
from tests.conftest import EXAMPLE

DATES = ("2021-03-01", "2024-01-01", "2026-11-01")


def comparable(answer: Any) -> str:
    """JSON without the ingest run's id (each load has its own)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "run_id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(answer), ensure_ascii=False, sort_keys=True)


def test_every_query_answers_alike_on_both_stores(store: Store) -> None:
    reference = MemoryStore()
    ingest_bundle(reference, EXAMPLE)
    ingest_bundle(store, EXAMPLE)
    enterprises = sorted(n.uid for n in reference.nodes("Enterprise"))
    persons = sorted(n.uid for n in reference.nodes("Person"))
    queries = {"owners": owners, "group": group, "score": score, "accountable": accountable}
    compared = 0
    for day in DATES:
        for uid in [*enterprises, *persons]:
            assert comparable(check(store, uid, as_of=day)) == \
                comparable(check(reference, uid, as_of=day)), (uid, day)
            compared += 1
        for name, query in queries.items():
            for uscc in enterprises:
                assert comparable(query(store, uscc, as_of=day)) == \
                    comparable(query(reference, uscc, as_of=day)), (name, uscc, day)
                compared += 1
        ids = [*enterprises, "nobody", *persons]
        assert comparable(check_batch(store, ids, scenario="procurement", as_of=day)) == \
            comparable(check_batch(reference, ids, scenario="procurement", as_of=day))
    assert compared == len(DATES) * (5 * len(enterprises) + len(persons))

"""Parity: the queries give fixed, hand-checked answers (`tests/golden/zhengzhou.json`) on
every store, and Neo4j answers every query like the embedded store.

The golden answers pin what two loads of the same code would agree on even when both are
wrong (a broken `graph.traverse.ordered_paths` lists the same wrong paths on both): the
canonical order and `limit` cut of paths, the shares of a chain, a score's contributions.
With the `store` fixture they run against Neo4j whenever NEO4J_URI is set (and must, in CI).

After a deliberate change of an answer, rewrite the file with
``python -m tests.test_query_parity`` and check the changed answers by hand.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from credtrace.graph import MemoryStore, Reader, Store
from credtrace.ingest import ingest_bundle
from credtrace.queries.accountability import accountable
from credtrace.queries.check import check, check_batch
from credtrace.queries.owners import group, owners
from credtrace.queries.paths import paths
from credtrace.queries.related import related
from credtrace.queries.score import score
from tests.conftest import EXAMPLE

GOLDEN = Path(__file__).resolve().parent / "golden" / "zhengzhou.json"
DATES = ("2021-03-01", "2024-01-01", "2026-11-01")
HUAXIN, HOLDING, XINHUAXIN = "914101057123456728", "914101057123456803", "91410102812345696N"
GUANCHENG = "9141010441234562X6"
PARTY_LINKS = ["LEGAL_REPRESENTATIVE", "DIRECTOR", "HOLDS_SHARES"]


def shortest_paths(store: Reader, *args: Any) -> list[list[str]]:
    """The store's primitive itself (`paths` asks it for one path more than it shows)."""
    return [[edge.eid for edge in path] for path in store.shortest_paths(*args)]


QUERIES: dict[str, Callable[..., Any]] = {
    "check": check, "check_batch": check_batch, "owners": owners, "group": group,
    "score": score, "accountable": accountable, "paths": paths, "related": related,
    "shortest_paths": shortest_paths}


def cases(enterprises: list[str], persons: list[str]) -> list[dict[str, Any]]:
    """The golden cases: (query, positional arguments, keyword arguments)."""
    found: list[dict[str, Any]] = []

    def case(query: str, *args: Any, **kwargs: Any) -> None:
        found.append({"query": query, "args": list(args), "kwargs": kwargs})

    for day in DATES:
        for uid in [*enterprises, *persons]:
            case("check", uid, as_of=day)
        case("check_batch", [HUAXIN, "nobody", *persons[:3]], scenario="procurement", as_of=day)
        for uscc in (HUAXIN, XINHUAXIN, GUANCHENG):
            for query in ("group", "score", "accountable"):
                case(query, uscc, as_of=day)
    for day in DATES[1:]:
        for uscc in (HUAXIN, XINHUAXIN):
            case("owners", uscc, as_of=day)
    case("paths", HUAXIN, XINHUAXIN, as_of="2024-01-01")
    case("paths", XINHUAXIN, HOLDING, as_of="2024-01-01", limit=3)  # 8 paths, cut at 3
    case("paths", HUAXIN, HOLDING, as_of="2024-01-01", max_hops=1)
    case("related", HUAXIN, as_of="2024-01-01")
    for limit in (1, 3):
        case("shortest_paths", XINHUAXIN, HOLDING, PARTY_LINKS, "2024-01-01", 4, limit)
    return found


def comparable(answer: Any) -> Any:
    """The answer as JSON values, without the ingest run's id (each load has its own)."""
    if dataclasses.is_dataclass(answer) and not isinstance(answer, type):
        answer = dataclasses.asdict(answer)
    elif hasattr(answer, "model_dump"):
        answer = answer.model_dump(mode="json", by_alias=True)
    if isinstance(answer, dict):
        return {k: comparable(v) for k, v in answer.items() if k != "run_id"}
    if isinstance(answer, list | tuple):
        return [comparable(v) for v in answer]
    return answer


def answer(store: Reader, case: dict[str, Any]) -> Any:
    return comparable(QUERIES[case["query"]](store, *case["args"], **case["kwargs"]))


def test_every_query_gives_the_golden_answers(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden, "no golden answers"
    for case in golden:
        assert answer(store, case) == case["answer"], (case["query"], case["args"],
                                                       case["kwargs"])


def test_neo4j_answers_every_query_like_the_embedded_store(store: Store) -> None:
    if store.name == "memory":
        pytest.skip("the embedded store is the reference")
    reference = MemoryStore()
    ingest_bundle(reference, EXAMPLE)
    ingest_bundle(store, EXAMPLE)
    enterprises = sorted(n.uid for n in reference.nodes("Enterprise"))
    persons = sorted(n.uid for n in reference.nodes("Person"))
    compared = 0
    for day in DATES:
        for uid in [*enterprises, *persons]:
            case = {"query": "check", "args": [uid], "kwargs": {"as_of": day}}
            assert answer(store, case) == answer(reference, case), (uid, day)
            compared += 1
        for name in ("owners", "group", "score", "accountable", "related"):
            for uscc in enterprises:
                case = {"query": name, "args": [uscc], "kwargs": {"as_of": day}}
                assert answer(store, case) == answer(reference, case), (name, uscc, day)
                compared += 1
        for a in enterprises:
            for b in (b for b in enterprises if b > a):
                case = {"query": "paths", "args": [a, b], "kwargs": {"as_of": day, "limit": 3}}
                assert answer(store, case) == answer(reference, case), (a, b, day)
        case = {"query": "check_batch", "args": [[*enterprises, "nobody", *persons]],
                "kwargs": {"scenario": "procurement", "as_of": day}}
        assert answer(store, case) == answer(reference, case)
    assert compared == len(DATES) * (6 * len(enterprises) + len(persons))


def write_golden() -> None:
    """Rewrite the golden file from the embedded store (then check it by hand)."""
    store = MemoryStore()
    ingest_bundle(store, EXAMPLE)
    enterprises = sorted(n.uid for n in store.nodes("Enterprise"))
    persons = sorted(n.uid for n in store.nodes("Person"))
    golden = [case | {"answer": answer(store, case)} for case in cases(enterprises, persons)]
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_golden()

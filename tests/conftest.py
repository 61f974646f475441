"""Store fixtures: every contract test runs on the memory store, and on Neo4j whenever
NEO4J_URI is set. In CI (CI=true) the Neo4j half is mandatory: a missing or unreachable
server fails the run instead of skipping it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from credtrace.graph import MemoryStore, Settings, Store, open_store

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "zhengzhou"
NEO4J_WANTED = bool(os.environ.get("NEO4J_URI")) or os.environ.get("CI") == "true"
_neo4j_outcomes: list[str] = []


def skip_unless_neo4j_wanted() -> None:
    """For a Neo4j-only test: skip when Neo4j was not asked for (never in CI, where
    CI=true asks for it and a missing server fails the run)."""
    if not NEO4J_WANTED:
        pytest.skip("Neo4j tests not requested (set NEO4J_URI or run `make test`)")


def store_names() -> list[str]:
    return ["memory", "neo4j"] if NEO4J_WANTED else ["memory"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_name" in metafunc.fixturenames:
        metafunc.parametrize("store_name", store_names())


def open_neo4j() -> Store:
    settings = Settings()
    if not settings.neo4j_uri:
        raise RuntimeError("CI=true but NEO4J_URI is not set: the Neo4j tests must run in CI")
    return open_store(settings.neo4j_uri, settings)


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[Store]:
    store = open_neo4j()
    store.ping()
    yield store
    store.close()


def empty_store(store_name: str, request: pytest.FixtureRequest) -> Store:
    """An empty memory store, or the session's Neo4j store cleared."""
    if store_name == "memory":
        return MemoryStore()
    db: Store = request.getfixturevalue("neo4j_store")
    db.clear()
    return db


@pytest.fixture
def store(store_name: str, request: pytest.FixtureRequest) -> Store:
    """An empty store of each kind."""
    return empty_store(store_name, request)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "[neo4j" in report.nodeid:
        _neo4j_outcomes.append(report.outcome)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    passed = _neo4j_outcomes.count("passed")
    terminalreporter.write_line(
        f"Neo4j tests run: {len(_neo4j_outcomes)} ({passed} passed)"
        + ("" if NEO4J_WANTED else " — set NEO4J_URI (or run `make test`) to include them")
    )

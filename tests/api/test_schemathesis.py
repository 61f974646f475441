"""Property-based tests of every route against the app's own OpenAPI document
(schemathesis): no server error and every response conforms to its documented schema,
with a key of every role, on the memory store and on Neo4j. The example budget is small
so the suite stays fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from credtrace.api.roles import Role
from credtrace.graph import Store
from tests.api.conftest import Api, start

MAX_EXAMPLES = 8
CONFIG = {
    "seed": 20240101,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
    "phases": {"stateful": {"enabled": False}},
}


@pytest.fixture
def fuzzed(loaded: Store, tmp_path: Path) -> Iterator[Api]:
    yield from start(loaded, tmp_path, rate_per_minute=1_000_000, rate_burst=100_000)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32 reads `node._nodeid`, which pytest 9.2 no longer sets."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def api_schema(fuzzed: Api) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(CONFIG)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.app, config=config)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_openapi(case: schemathesis.Case, fuzzed: Api) -> None:
    for role in Role:  # each generated request with a key of every role (403s conform too)
        case.call_and_validate(headers=fuzzed.headers(role),
                               checks=[not_a_server_error, response_schema_conformance])

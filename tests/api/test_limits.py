"""The service's limits are the settings it was given, not the environment's: raised, the
queries answer within them; lowered, they refuse beyond them (422) and the pages fold at the
lowered node cap; the OpenAPI document states them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from credtrace.api.roles import Role
from credtrace.graph import MemoryStore, Store
from tests.api.conftest import HUAXIN, Api, start
from tests.builders import Bundle

MATCHES = 1200  # more than the default max_results (1000)


def limit_maximum(api: Api, path: str) -> int:
    operation = api.get("/openapi.json").json()["paths"][path]["get"]
    (limit,) = [p for p in operation["parameters"] if p["name"] == "limit"]
    return int(limit["schema"]["maximum"])


@pytest.fixture
def crowded(tmp_path: Path) -> Store:
    """A store with `MATCHES` persons named 张…."""
    b = Bundle()
    b.enterprise("E", "众人有限公司")
    for i in range(MATCHES):
        b.person(f"p{i}", f"张{i:04d}", birth=date(1950, 1, 1) + timedelta(days=i))
    b.load(store := MemoryStore(), tmp_path / "bundle")
    return store


@pytest.fixture
def wide(crowded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.delenv("CREDTRACE_MAX_RESULTS", raising=False)
    yield from start(crowded, tmp_path, max_results=5000)


@pytest.fixture
def narrow(loaded: Store, tmp_path: Path) -> Iterator[Api]:
    yield from start(loaded, tmp_path, max_results=5, max_hops=2, max_nodes=10)


@pytest.fixture
def capped(loaded: Store, tmp_path: Path) -> Iterator[Api]:
    yield from start(loaded, tmp_path, max_nodes=10)


def test_a_raised_result_limit_is_honoured(wide: Api) -> None:
    response = wide.get("/v1/search?q=张&limit=2000")
    assert response.status_code == 200, response.text
    assert response.json()["count"] == MATCHES
    assert limit_maximum(wide, "/v1/search") == 5000


def test_a_lowered_limit_is_refused_beyond_it(narrow: Api) -> None:
    response = narrow.get("/v1/search?q=郑州&limit=6")
    assert response.status_code == 422
    assert response.json()["detail"] == "limit must be between 1 and 5, got 6"
    assert narrow.get("/v1/search?q=郑州&limit=5").json()["count"] == 5
    assert narrow.get(f"/v1/related/{HUAXIN}?hops=3").status_code == 422
    assert narrow.get(f"/v1/viz/ego/{HUAXIN}?hops=3").status_code == 422
    assert limit_maximum(narrow, "/v1/search") == 5


def test_a_lowered_node_cap_folds_the_page(capped: Api) -> None:
    page = capped.get(f"/v1/viz/ego/{HUAXIN}?hops=2", Role.INVESTIGATOR)
    assert page.status_code == 200, page.text
    assert "节点超过上限 10" in page.text

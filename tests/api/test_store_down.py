"""The store goes away and comes back: 503 with Retry-After meanwhile, then answers again
without a restart. Simulated with a store whose reads raise `StoreUnavailable`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credtrace.api.http.app import create_app
from credtrace.api.http.resources import StoreHolder
from credtrace.api.roles import Role
from credtrace.graph import MemoryStore, StoreUnavailable
from credtrace.graph.records import Edge, Node
from credtrace.ingest import ingest_bundle
from tests.api.conftest import HUAXIN, settings_for
from tests.conftest import EXAMPLE


class FlakyStore(MemoryStore):
    """A memory store that can be switched off."""

    down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("Neo4j is unavailable: connection refused")

    def ping(self) -> None:
        self._check()

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        self._check()
        return super().get_nodes(uids)

    def adjacent(self, *args: Any, **kwargs: Any) -> list[Edge]:
        self._check()
        return super().adjacent(*args, **kwargs)

    def nodes(self, kind: str) -> Iterator[Node]:
        self._check()
        return super().nodes(kind)


def test_503_while_down_then_recovers(tmp_path: Path) -> None:
    store = FlakyStore()
    ingest_bundle(store, EXAMPLE)
    app = create_app(settings_for(tmp_path), store=store)
    _, key = app.state.resources.keys.create(Role.SANCTION_SYSTEM, "workflow")
    headers = {"X-API-Key": key}
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        store.down = True
        for url in ("/readyz", f"/v1/check/{HUAXIN}"):
            response = client.get(url, headers=headers)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "5"
            assert response.json()["title"] == "Store unavailable"
        assert client.get("/healthz").status_code == 200  # the process is alive
        store.down = False
        assert client.get("/readyz").status_code == 200
        assert client.get(f"/v1/check/{HUAXIN}", headers=headers).status_code == 200


def test_a_store_that_cannot_open_is_retried() -> None:
    attempts: list[int] = []

    def opener() -> MemoryStore:
        attempts.append(1)
        if len(attempts) < 3:
            raise StoreUnavailable("not yet")
        return MemoryStore()

    holder = StoreHolder(opener)
    for _ in range(2):
        with pytest.raises(StoreUnavailable):
            holder.get()
    assert holder.get() is holder.get() and len(attempts) == 3

"""The API under test: the example bundle loaded into each store (memory, and Neo4j when
NEO4J_URI is set), a fresh security database, and one key per role."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from credtrace.api.http.app import create_app
from credtrace.api.roles import Role
from credtrace.api.settings import ApiSettings
from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from tests.conftest import EXAMPLE

AS_OF = "2024-01-01"
HUAXIN = "914101057123456728"          # 郑州华信商贸有限公司, under joint punishment
XINHUAXIN = "91410102812345696N"       # 郑州新华信贸易有限公司
LINA = "410105198207070429"            # 李娜, its legal representative
MEASURE = "ZZ-2021-JP-0001"
#: Every person key of the example bundle (none may leak to a masking role).
PERSON_IDS = tuple(line.split(",")[0] for line in
                   (EXAMPLE / "persons.csv").read_text("utf-8").splitlines()[1:])


@dataclass
class Api:
    """A running app, its client and a key per role."""

    app: FastAPI
    client: TestClient
    keys: dict[Role, str]
    store: Store

    def headers(self, role: Role | None, purpose: str | None = "test case") -> dict[str, str]:
        headers = {} if role is None else {"X-API-Key": self.keys[role]}
        if purpose is not None:
            headers["X-Purpose"] = purpose
        return headers

    def get(self, url: str, role: Role | None = Role.ADMIN, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers(role), **kwargs)

    def post(self, url: str, role: Role | None = Role.ADMIN, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers(role), **kwargs)


def token_of(api: Api, name: str = "李娜") -> str:
    """A person's masked token as a masked role learns it: found by name."""
    found = api.get(f"/v1/search?q={name}", Role.ANALYST).json()["results"]
    (token,) = [r["id"] for r in found if r["kind"] == "Person" and r["name"] == name]
    assert "~" in token
    return str(token)


def settings_for(tmp_path: Path, **overrides: Any) -> ApiSettings:
    return ApiSettings(store="memory:", security_db=tmp_path / "security.sqlite",
                       mask_key="a-test-masking-key-0123", **overrides)


def start(store: Store, tmp_path: Path, **overrides: Any) -> Iterator[Api]:
    yield from serve(create_app(settings_for(tmp_path, **overrides), store=store))


def serve(app: FastAPI) -> Iterator[Api]:
    """A client of `app` with a key per role (the app's store opened by then)."""
    keys = {role: app.state.resources.keys.create(role, f"{role} test")[1] for role in Role}
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(app, client, keys, app.state.resources.store.get())


def finished(api: Api, job_id: str, role: Role = Role.ADMIN, timeout: float = 120) -> Any:
    """The evaluation job once it is done or failed (polled at 5 a second: under the rate
    limit)."""
    deadline = time.monotonic() + timeout
    while True:
        job = api.get(f"/v1/evaluations/{job_id}", role).json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


def evaluated(api: Api, as_of: str = AS_OF, **body: Any) -> Any:
    """An evaluation started by the administrator and followed to its end."""
    response = api.post("/v1/evaluations", json={"as_of": as_of, **body})
    assert response.status_code == 202, response.text
    return finished(api, response.json()["id"])


@pytest.fixture
def loaded(store: Store) -> Store:
    """The store with the Zhengzhou example."""
    report = ingest_bundle(store, EXAMPLE)
    assert report.rejected == 0
    return store


@pytest.fixture
def api(loaded: Store, tmp_path: Path) -> Iterator[Api]:
    yield from start(loaded, tmp_path)

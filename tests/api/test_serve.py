"""`credtrace serve`: several worker processes share one audit chain, one masking key and
the store; the embedded store refuses workers."""

from __future__ import annotations

import gc
import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from credtrace.api.audit import AuditTrail
from credtrace.api.cli import app as cli
from credtrace.api.http.app import create_app
from credtrace.api.keys import KeyStore
from credtrace.api.roles import Role
from credtrace.api.securitydb import SecurityDB
from credtrace.graph import MemoryStore, Store
from credtrace.ingest import ingest_bundle
from tests.api.conftest import AS_OF, HUAXIN, LINA, settings_for
from tests.conftest import EXAMPLE, skip_unless_neo4j_wanted
from tests.neo4j_server import free_port

CLI = Path(sys.executable).with_name("credtrace")


def test_workers_need_neo4j(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--workers", "2", "--store",
                                      f"memory:{tmp_path}"])
    assert result.exit_code == 2 and "Neo4j" in result.output



def get(port: int, path: str, key: str) -> tuple[int, bytes]:
    """One request on its own connection (so the kernel may hand it to any worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"X-API-Key": key})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def two_workers(tmp_path: Path, **settings: str) -> Iterator[tuple[int, str]]:
    """`credtrace serve --workers 2` on Neo4j with a fresh security database: (port, key)."""
    security = tmp_path / "security.sqlite"
    _, key = KeyStore(SecurityDB(security)).create(Role.SANCTION_SYSTEM, "workflow")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CREDTRACE_MASK_KEY"}
    env |= {"CREDTRACE_SECURITY_DB": str(security), **settings}
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(CLI), "serve", "--store", "neo4j", "--port", str(port),
                                   "--workers", "2", "--no-access-log"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # a busy 2-core machine starts slowly
        while True:
            try:
                if get(port, "/readyz", "")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield port, key
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert log.read_text().count("Started server process") == 2


@pytest.fixture(params=["neo4j"])  # workers serve Neo4j only; the id counts it as a Neo4j test
def neo4j_loaded(request: pytest.FixtureRequest) -> Store:
    """The Neo4j store with the Zhengzhou example."""
    skip_unless_neo4j_wanted()
    store: Store = request.getfixturevalue("neo4j_store")
    store.clear()
    assert ingest_bundle(store, EXAMPLE).rejected == 0
    return store


def test_two_workers_share_the_audit_chain_and_the_masking_key(
        neo4j_loaded: Store, tmp_path: Path) -> None:
    paths = [f"/v1/check/{subject}?as_of={AS_OF}" for subject in (LINA, HUAXIN) * 30]
    with two_workers(tmp_path, CREDTRACE_RATE_BURST="1000") as (port, key), \
            ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda p: get(port, p, key), paths))
    assert [status for status, _ in answers] == [200] * len(paths)
    # one masking key for both workers: the person's token is the same in every answer
    assert len({body for (_, body), path in zip(answers, paths, strict=True)
                if LINA in path}) == 1
    assert LINA.encode() not in answers[0][1]
    result = AuditTrail(SecurityDB(tmp_path / "security.sqlite")).verify()
    assert result.ok, result.problems
    assert result.entries == len(paths)


def test_two_workers_share_each_keys_rate_limit(neo4j_loaded: Store, tmp_path: Path) -> None:
    url = f"/v1/check/{HUAXIN}?as_of={AS_OF}"
    with two_workers(tmp_path, CREDTRACE_RATE_BURST="6", CREDTRACE_RATE_PER_MINUTE="1") as (
            port, key), ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: get(port, url, key)[0], range(16)))
    assert sorted(statuses) == [200] * 6 + [429] * 10


def test_a_served_app_freezes_what_startup_built(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path), store=MemoryStore(), freeze_gc=True)
    try:
        with TestClient(app) as client:
            assert gc.get_freeze_count() > 0
            assert client.get("/healthz").status_code == 200
    finally:
        gc.unfreeze()

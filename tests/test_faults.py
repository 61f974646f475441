"""Real faults against a Neo4j of the tests' own: the server killed under a load and under
the API, the loader killed, readers during a write. Each test prints what it observed
(`pytest -s` shows the figures docs/reliability.md reports)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credtrace.api.http.app import create_app
from credtrace.api.roles import Role
from credtrace.graph import MemoryStore, Store, StoreError
from credtrace.ingest import ingest_bundle, ingest_path
from credtrace.ingest.bulk import command_importer
from credtrace.ingest.generate import generate_bundle
from tests.api.conftest import settings_for
from tests.conftest import skip_unless_neo4j_wanted
from tests.neo4j_server import LocalNeo4j
from tests.snapshots import content

ENTERPRISES = 1_500
BATCH = 200  # rows a write transaction: small, so a fault lands between many of them
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["neo4j"])  # the id counts it as a Neo4j test
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    skip_unless_neo4j_wanted()
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j-faults"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], int]:
    """A generated bundle, what an undisturbed load of it holds, and its enterprises."""
    folder = tmp_path_factory.mktemp("bundle")
    rows = generate_bundle(folder, ENTERPRISES, seed=11)
    reference = MemoryStore()
    ingest_bundle(reference, folder)
    return folder, content(reference), rows["enterprises.csv"]


def wait_for(condition: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def whole_batches(store: Store, enterprises: int) -> None:
    """The enterprises table is written BATCH rows a transaction: a reader sees whole
    batches or the whole table, never part of a batch."""
    seen = store.counts()["Enterprise"]
    assert seen % BATCH == 0 or seen == enterprises, seen


def runs(store: Store) -> dict[str, str]:
    return {n.uid: n.props["status"] for n in store.nodes("IngestRun")}


def test_neo4j_killed_mid_ingest_then_a_rerun_ends_like_an_undisturbed_load(
        server: LocalNeo4j, bundle: tuple[Path, dict[str, Any], int]) -> None:
    folder, expected, enterprises = bundle
    writer, watcher = server.store(), server.store()
    writer.clear()
    failure: list[BaseException] = []

    def load() -> None:
        try:
            ingest_bundle(writer, folder, batch_rows=BATCH)
        except BaseException as exc:  # the test asserts what it was
            failure.append(exc)

    thread = threading.Thread(target=load)
    thread.start()
    wait_for(lambda: watcher.counts()["Enterprise"] >= 2 * BATCH)
    whole_batches(watcher, enterprises)
    server.kill()
    killed = time.monotonic()
    thread.join(timeout=120)
    assert not thread.is_alive() and failure and isinstance(failure[0], StoreError)
    print(f"\nloader gave up {time.monotonic() - killed:.1f} s after the kill: {failure[0]}")
    server.start()
    reader = server.store()
    whole_batches(reader, enterprises)
    (interrupted,) = runs(reader)
    assert runs(reader)[interrupted] == "running"  # the store was gone: nobody closed it
    report = ingest_bundle(reader, folder, batch_rows=BATCH)
    assert report.status == "succeeded"
    assert runs(reader) == {interrupted: "failed", report.run_id: "succeeded"}
    assert content(reader) == expected
    for store in (writer, watcher, reader):
        store.close()


KILLABLE_LOAD = """
import sys
from pathlib import Path
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.ingest import ingest_bundle, ingest_path
from credtrace.ingest.bulk import command_importer
ingest_bundle(Neo4jStore(*sys.argv[2:5]), Path(sys.argv[1]), batch_rows=int(sys.argv[5]))
"""


def test_loader_killed_mid_ingest_then_a_rerun_ends_like_an_undisturbed_load(
        server: LocalNeo4j, bundle: tuple[Path, dict[str, Any], int]) -> None:
    folder, expected, enterprises = bundle
    store = server.store()
    store.clear()
    loader = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_LOAD, str(folder), server.uri, server.user,
         server.password, str(BATCH)], cwd=ROOT)
    wait_for(lambda: store.counts()["Enterprise"] >= 2 * BATCH)
    loader.send_signal(signal.SIGKILL)
    assert loader.wait(timeout=60) == -signal.SIGKILL
    whole_batches(store, enterprises)
    report = ingest_bundle(store, folder, batch_rows=BATCH)
    assert sorted(runs(store).values()) == ["failed", "succeeded"]
    assert runs(store)[report.run_id] == "succeeded"
    assert content(store) == expected
    store.close()


KILLABLE_BULK_LOAD = """
import sys
from pathlib import Path
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.ingest import ingest_path
from credtrace.ingest.bulk import command_importer
ingest_path(Neo4jStore(*sys.argv[2:5]), Path(sys.argv[1]), bulk=command_importer(sys.argv[5:]))
"""


@pytest.mark.parametrize("phase", ["spooled", "importing"])
def test_bulk_load_killed_then_a_rerun_ends_like_an_undisturbed_load(
        server: LocalNeo4j, bundle: tuple[Path, dict[str, Any], int], phase: str,
        tmp_path: Path) -> None:
    """The loader and everything it started killed once it has validated and spooled
    (its importer waiting), or while neo4j-admin imports: the next start puts the database
    back as it was, and a bulk load then ends like an undisturbed load."""
    folder, expected, _ = bundle
    store = server.store()
    store.clear()
    store.close()
    mark = tmp_path / "spooled"
    importer = (["sh", "-c", 'touch "$0"; sleep 600', str(mark)] if phase == "spooled"
                else server.command("import"))
    loader = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_BULK_LOAD, str(folder), server.uri, server.user,
         server.password, *importer], cwd=ROOT, start_new_session=True)
    if phase == "spooled":
        wait_for(mark.exists)
    else:
        wait_for(lambda: (server.home / "data" / "pre-import").exists())
    os.killpg(loader.pid, signal.SIGKILL)
    loader.wait(timeout=60)
    server.start()  # after a killed import, the start restores the database
    store = server.store()
    assert {k: n for k, n in store.counts().items() if n and k != "IngestRun"} == {}
    report = ingest_path(store, folder, bulk=command_importer(server.command("import")))
    store.reconnect()
    assert report.status == "succeeded" and content(store) == expected
    store.close()


def test_readers_during_a_write_see_whole_batches(
        server: LocalNeo4j, bundle: tuple[Path, dict[str, Any], int]) -> None:
    folder, expected, enterprises = bundle
    store, reader = server.store(), server.store()
    store.clear()
    some = sorted(expected["nodes"])[:1]
    latencies: list[float] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            began = time.perf_counter()
            whole_batches(reader, enterprises)
            reader.get_nodes([uid for _, uid in some])
            latencies.append(time.perf_counter() - began)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        ingest_bundle(store, folder, batch_rows=BATCH)
    finally:
        done.set()
        thread.join(timeout=60)
    assert content(store) == expected and len(latencies) > 10
    latencies.sort()
    print(f"\n{len(latencies)} reads during the load: p50 {median(latencies) * 1000:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    store.close()
    reader.close()


def test_api_answers_503_while_neo4j_is_down_and_recovers_without_a_restart(
        server: LocalNeo4j, bundle: tuple[Path, dict[str, Any], int], tmp_path: Path) -> None:
    folder, expected, _ = bundle
    store = server.store()
    store.clear()
    ingest_bundle(store, folder)
    subject = sorted(uid for kind, uid in expected["nodes"] if kind == "Enterprise")[0]
    app = create_app(settings_for(tmp_path, rate_per_minute=1_000_000, rate_burst=100_000),
                     store=store)
    key = app.state.resources.keys.create(Role.SANCTION_SYSTEM, "workflow")[1]
    seen: list[tuple[float, int, float]] = []  # (when, status, seconds taken)
    done = threading.Event()

    with TestClient(app, raise_server_exceptions=False) as client:
        def ask() -> None:
            while not done.is_set():
                began = time.monotonic()
                status = client.get(f"/v1/check/{subject}", headers={"X-API-Key": key}).status_code
                seen.append((began, status, time.monotonic() - began))
                time.sleep(0.01)

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: any(s == 200 for _, s, _ in seen), 60)
            server.kill()
            down = time.monotonic()
            wait_for(lambda: any(w >= down and s == 503 for w, s, _ in seen), 60)
            first_503 = min(w + t for w, s, t in seen if w >= down and s == 503) - down
            server.start()
            up = time.monotonic()
            wait_for(lambda: any(w >= up and s == 200 for w, s, _ in seen), 60)
            first_200 = min(w + t for w, s, t in seen if w >= up and s == 200) - up
        finally:
            done.set()
            for thread in threads:
                thread.join(timeout=60)
    statuses = {s for _, s, _ in seen}
    slowest = max(t for _, _, t in seen)
    print(f"\n{len(seen)} checks: 503 {first_503:.2f} s after the kill, 200 again "
          f"{first_200:.2f} s after the server answered, slowest answer {slowest:.2f} s")
    assert statuses <= {200, 503}, statuses  # never a 500, never a hang
    assert first_503 < 10 and first_200 < 30 and slowest < 30
    store.close()

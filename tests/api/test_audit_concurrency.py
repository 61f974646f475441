"""Group-committed audit appends: many threads, event-loop callers and worker processes
appending to one file still form one unbroken chain; each caller gets its own entry, durable
when it returns; a failed commit is raised to every caller of its group and the next append
works; the check routes write their entry before they read."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credtrace.api.audit import AuditTrail
from credtrace.api.http.app import create_app
from credtrace.api.roles import Role
from credtrace.api.securitydb import SecurityDB
from credtrace.graph import MemoryStore
from credtrace.graph.records import Node
from credtrace.ingest import ingest_bundle
from tests.api.conftest import AS_OF, HUAXIN, LINA, settings_for
from tests.conftest import EXAMPLE

ROOT = Path(__file__).resolve().parents[2]


def entry(trail: AuditTrail, n: int, who: str = "k") -> dict[str, Any]:
    return {"key_id": who, "role": "analyst", "method": "GET", "route": "/v1/check/{id}",
            "subjects": [f"s{n}"], "purpose": f"case {n}"}


def test_threads_appending_at_once_form_one_chain(tmp_path: Path) -> None:
    trail = AuditTrail(SecurityDB(tmp_path / "s.sqlite"))
    got: list[tuple[int, str]] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        for n in range(25):
            e = trail.append(**entry(trail, n, f"t{t}"))
            with lock:
                got.append((e.seq, e.hash))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = trail.verify()
    assert result.ok, result.problems
    assert result.entries == 200
    # every caller got its own entry, exactly as stored
    assert sorted(got) == [(e.seq, e.hash) for e in trail.entries(limit=1000)]


def test_event_loop_callers_share_commits(tmp_path: Path) -> None:
    trail = AuditTrail(SecurityDB(tmp_path / "s.sqlite"))

    async def many() -> list[int]:
        done = await asyncio.gather(*(trail.append_async(**entry(trail, n))
                                      for n in range(300)))
        return [e.seq for e in done]

    commits: list[int] = []
    commit = AuditTrail._commit

    def counted(db: Any, group: list[Any]) -> None:
        commits.append(len(group))
        commit(db, group)

    trail._commit = counted  # type: ignore[method-assign]
    seqs = asyncio.run(many())
    assert sorted(seqs) == list(range(1, 301))
    assert trail.verify().ok
    assert sum(commits) == 300 and len(commits) < 300  # grouped
    # the subjects are the callers' own, in the order of their sequence numbers
    stored = {e.seq: e.subjects for e in trail.entries(limit=1000)}
    assert sorted(s[0] for s in stored.values()) == sorted(f"s{n}" for n in range(300))


APPENDER = """
import sys
from pathlib import Path
from credtrace.api.audit import AuditTrail
from credtrace.api.securitydb import SecurityDB
trail = AuditTrail(SecurityDB(Path(sys.argv[1])))
import threading
def work(t):
    for n in range(40):
        trail.append(key_id=sys.argv[2], role="analyst", method="GET", route="/v1/check/{id}",
                     subjects=[f"{t}-{n}"], purpose=None)
threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
"""


def test_worker_processes_appending_to_one_file_form_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SecurityDB(path)
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(path), f"p{i}"], cwd=ROOT)
             for i in range(3)]
    trail = AuditTrail(SecurityDB(path))
    for n in range(40):  # this process too
        trail.append(**entry(trail, n, "here"))
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    result = trail.verify()
    assert result.ok, result.problems
    assert result.entries == 3 * 160 + 40


def test_a_failed_commit_is_raised_to_its_callers_and_the_next_append_works(
        tmp_path: Path) -> None:
    trail = AuditTrail(SecurityDB(tmp_path / "s.sqlite"))
    trail.append(**entry(trail, 0))
    commit = AuditTrail._commit
    calls: list[int] = []

    def fails_once(db: Any, group: list[Any]) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        commit(db, group)

    trail._commit = fails_once  # type: ignore[method-assign]
    with pytest.raises(OSError, match="disk full"):
        trail.append(**entry(trail, 1))
    assert trail.append(**entry(trail, 2)).seq == 2
    result = trail.verify()
    assert result.ok and result.entries == 2


def test_the_writer_stops_when_idle_and_starts_again(tmp_path: Path) -> None:
    trail = AuditTrail(SecurityDB(tmp_path / "s.sqlite"))
    trail.IDLE = 0.05
    trail.append(**entry(trail, 1))
    for _ in range(100):
        if not trail._writing:
            break
        threading.Event().wait(0.02)
    assert not trail._writing
    assert trail.append(**entry(trail, 2)).seq == 2 and trail.verify().ok


class Watched(MemoryStore):
    """A memory store that notes, at each read, how many audit entries exist."""

    trail: AuditTrail | None = None
    seen: list[int]

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        if self.trail is not None:
            self.seen.append(len(self.trail.entries(limit=10_000)))
        return super().get_nodes(uids)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_check_routes_record_before_they_read(tmp_path: Path, method: str) -> None:
    store = Watched()
    store.seen = []
    ingest_bundle(store, EXAMPLE)
    app = create_app(settings_for(tmp_path), store=store)
    store.trail = app.state.resources.audit
    _, key = app.state.resources.keys.create(Role.SANCTION_SYSTEM, "workflow")
    with TestClient(app) as client:
        for n in range(1, 4):
            store.seen.clear()
            response = (client.get(f"/v1/check/{HUAXIN}?as_of={AS_OF}",
                                   headers={"X-API-Key": key}) if method == "GET" else
                        client.post("/v1/check", headers={"X-API-Key": key},
                                    json={"subjects": [HUAXIN, LINA], "as_of": AS_OF}))
            assert response.status_code == 200
            assert store.seen and min(store.seen) == n  # this request's entry was there

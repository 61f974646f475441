"""Backup and restore: the graph (either store), the keys, the audit trail and the mask key
come back so that the same questions get the same answers and the chain verifies."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from credtrace.api.audit import AuditTrail
from credtrace.api.backup import GRAPH, MANIFEST, SECURITY, BackupError, backup, restore
from credtrace.api.keys import KeyStore
from credtrace.api.securitydb import SecurityDB
from credtrace.graph import MemoryStore, Store
from credtrace.ingest import ingest_bundle
from credtrace.queries.accountability import accountable
from credtrace.queries.check import check
from credtrace.queries.owners import owners
from tests.conftest import EXAMPLE

AS_OF = "2024-06-30"


def answers(store: Store) -> dict[str, Any]:
    """A set of checks compared before and after a restore: every party checked, every
    enterprise's owners and accountable persons, and the counts."""
    enterprises = sorted(n.uid for n in store.nodes("Enterprise"))
    persons = sorted(n.uid for n in store.nodes("Person"))
    return {
        "counts": store.counts(),
        "check": {uid: check(store, uid, as_of=AS_OF) for uid in enterprises + persons},
        "owners": {uid: owners(store, uid, as_of=AS_OF) for uid in enterprises},
        "accountable": {uid: accountable(store, uid, as_of=AS_OF) for uid in enterprises},
        "history": {n.uid: n.props.get("history") for n in store.nodes("Contact")},
    }


def security_with_trail(folder: Path) -> Path:
    db = SecurityDB(folder / "security.sqlite")
    KeyStore(db).create("analyst", "分析员")
    trail = AuditTrail(db)
    for n in range(3):
        trail.append(key_id="k", role="analyst", method="GET", route="/v1/check/{id}",
                     subjects=[f"s{n}"], purpose="核查")
    db.mask_key()  # drawn once, kept in the database
    return db.path


def test_restore_gives_the_same_answers_and_an_intact_trail(store: Store,
                                                           tmp_path: Path) -> None:
    ingest_bundle(store, EXAMPLE)
    ingest_bundle(store, EXAMPLE)  # a reload: versions stay as they were
    security = security_with_trail(tmp_path / "live")
    before = answers(store)
    manifest = backup(store, security, tmp_path / "backup")
    assert manifest.counts["Enterprise"] == before["counts"]["Enterprise"] > 0
    assert set(manifest.files) == {GRAPH, SECURITY}
    for file in (tmp_path / "backup").iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file

    fresh = MemoryStore(tmp_path / "restored")  # as on a fresh machine
    restored_security = tmp_path / "restored" / "security.sqlite"
    restore(fresh, restored_security, tmp_path / "backup")
    assert answers(MemoryStore(tmp_path / "restored")) == before
    trail = AuditTrail(SecurityDB(restored_security)).verify()
    assert trail.ok and trail.entries == 3
    assert SecurityDB(restored_security).mask_key() == SecurityDB(security).mask_key()

    store.clear()  # and back into the store it came from
    restore(store, tmp_path / "again" / "security.sqlite", tmp_path / "backup")
    assert answers(store) == before


def test_restore_refuses_a_store_with_data(store: Store, tmp_path: Path) -> None:
    ingest_bundle(store, EXAMPLE)
    backup(store, tmp_path / "none.sqlite", tmp_path / "backup")
    with pytest.raises(BackupError, match="not empty"):
        restore(store, tmp_path / "none.sqlite", tmp_path / "backup")


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    source = MemoryStore()
    ingest_bundle(source, EXAMPLE)
    backup(source, tmp_path / "none.sqlite", tmp_path / "backup")
    graph = tmp_path / "backup" / GRAPH
    graph.write_bytes(graph.read_bytes()[:-100])
    target = MemoryStore()
    with pytest.raises(BackupError, match=f"{GRAPH} does not match its checksum"):
        restore(target, tmp_path / "none.sqlite", tmp_path / "backup")
    assert sum(target.counts().values()) == 0


def test_a_backup_refuses_a_folder_in_use_and_a_folder_without_manifest(
        tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        backup(MemoryStore(), tmp_path / "none.sqlite", tmp_path / "used")
    with pytest.raises(BackupError, match=MANIFEST):
        restore(MemoryStore(), tmp_path / "none.sqlite", tmp_path / "used")


def test_restore_keeps_an_existing_security_database(tmp_path: Path) -> None:
    source = MemoryStore()
    ingest_bundle(source, EXAMPLE)
    security = security_with_trail(tmp_path / "live")
    backup(source, security, tmp_path / "backup")
    with pytest.raises(BackupError, match="exists"):
        restore(MemoryStore(), security, tmp_path / "backup")


def test_the_cli_backs_up_and_restores(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from credtrace.api.cli import app

    runner = CliRunner()
    live, copy = f"memory:{tmp_path / 'live'}", f"memory:{tmp_path / 'copy'}"
    assert runner.invoke(app, ["ingest", str(EXAMPLE), "--store", live]).exit_code == 0
    done = runner.invoke(app, ["backup", str(tmp_path / "b"), "--store", live, "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["Enterprise"] > 0
    back = runner.invoke(app, ["restore", str(tmp_path / "b"), "--store", copy])
    assert back.exit_code == 0, back.output
    assert answers(MemoryStore(tmp_path / "copy")) == answers(MemoryStore(tmp_path / "live"))
    again = runner.invoke(app, ["restore", str(tmp_path / "b"), "--store", copy])
    assert again.exit_code == 1 and "not empty" in again.output

"""The embedded store under faults: files cut short, corrupted or unwritable, a save that
fails half-way. Each gives a clear error naming the file; the previous state stays intact;
a damaged file is never read as an empty or partial graph."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from credtrace.graph import MemoryStore, StoreError
from credtrace.graph.memory import GRAPH_FILE
from credtrace.graph.store import EntityRow
from credtrace.ingest import ingest_bundle
from tests.conftest import EXAMPLE


def saved(folder: Path) -> MemoryStore:
    store = MemoryStore(folder)
    ingest_bundle(store, EXAMPLE)
    store.flush()
    return store


def test_a_file_cut_short_is_refused_with_its_name(tmp_path: Path) -> None:
    saved(tmp_path)
    file = tmp_path / GRAPH_FILE
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    with pytest.raises(StoreError, match=f"{file} is damaged: its checksum does not match"):
        MemoryStore(tmp_path)


@pytest.mark.parametrize("offset", [0.3, 0.6, 0.95])
def test_a_flipped_byte_is_refused(tmp_path: Path, offset: float) -> None:
    saved(tmp_path)
    file = tmp_path / GRAPH_FILE
    data = bytearray(file.read_bytes())
    data[int(len(data) * offset)] ^= 0x01
    file.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is damaged"):
        MemoryStore(tmp_path)


def test_a_file_that_is_not_a_graph_is_refused(tmp_path: Path) -> None:
    (tmp_path / GRAPH_FILE).write_bytes(b"")
    with pytest.raises(StoreError, match="not a credtrace graph file"):
        MemoryStore(tmp_path)


def test_a_file_from_before_checksums_still_opens(tmp_path: Path) -> None:
    store = saved(tmp_path)
    (tmp_path / GRAPH_FILE).write_bytes(pickle.dumps(store.graph))
    assert MemoryStore(tmp_path).counts() == store.counts()


def test_an_unwritable_folder_fails_the_save_and_keeps_the_previous_state(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = saved(tmp_path)
    before = store.counts()
    store.upsert_nodes("Authority", [EntityRow("extra", {"name": "局"})])

    def disk_full(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StoreError, match=f"cannot save {tmp_path / GRAPH_FILE}: No space left"):
        store.flush()
    monkeypatch.undo()
    assert MemoryStore(tmp_path).counts() == before
    assert [p.name for p in tmp_path.iterdir()] == [GRAPH_FILE]  # no temporary left


def test_a_read_only_file_system_names_the_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = saved(tmp_path)
    store.upsert_nodes("Authority", [EntityRow("extra", {"name": "局"})])

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(StoreError, match="Read-only file system; the previous state is intact"):
        store.flush()


KILLED_SAVE = """
import os, sys
from credtrace.graph import MemoryStore
from credtrace.graph.store import EntityRow
store = MemoryStore(sys.argv[1])
rows = [EntityRow(f"A{i}", {"name": "局" * 50 + str(i)}) for i in range(200_000)]
store.upsert_nodes("Authority", rows)
print("saving", flush=True)
store.flush()
"""


def test_a_process_killed_while_saving_leaves_the_previous_state(tmp_path: Path) -> None:
    before = saved(tmp_path).counts()
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "saving"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert MemoryStore(tmp_path).counts() == before


def test_a_read_only_command_does_not_rewrite_the_file(tmp_path: Path) -> None:
    saved(tmp_path)
    file = tmp_path / GRAPH_FILE
    before = (file.stat().st_mtime_ns, file.read_bytes())
    store = MemoryStore(tmp_path)
    store.get_nodes(["914101057123456728"])
    store.flush()
    assert (file.stat().st_mtime_ns, file.read_bytes()) == before
    store.upsert_nodes("Authority", [EntityRow("extra", {"name": "局"})])
    store.flush()
    assert MemoryStore(tmp_path).get_node("extra") is not None

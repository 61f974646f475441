"""Backups of everything credtrace cannot rebuild: the graph, the security database (API
keys and the audit trail) and the mask key.

A backup is a folder: `graph.jsonl.gz` (a logical dump, `graph.dump`, readable by either
store), `security.sqlite` (keys, audit trail, mask key and handed-out tokens; an online copy
through SQLite's backup API, consistent while the service runs) and `manifest.json` with the
counts per kind and the SHA-256 of each file. `restore` checks every checksum before it writes
anything, refuses a non-empty store or an existing security database, then loads and
checks the counts. Files are written 0600: they hold ID numbers and key hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from credtrace.graph import Store
from credtrace.graph.dump import DumpError, dump_store, load_dump

MANIFEST = "manifest.json"
GRAPH = "graph.jsonl.gz"
SECURITY = "security.sqlite"


class BackupError(RuntimeError):
    """A backup that cannot be written, read or trusted; says which file and why."""


@dataclass
class Manifest:
    """What a backup holds."""

    created: str
    store: str
    counts: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)  # name -> SHA-256
    format: str = "credtrace-backup 1"


def backup(store: Store, security: Path, folder: Path) -> Manifest:
    """Write a backup of `store` and the security database at `security` into `folder`
    (created; it must be empty or absent)."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    with _create_private(folder / GRAPH) as out:
        counts = dump_store(store, out)
    manifest = Manifest(created=datetime.now(UTC).isoformat(timespec="seconds"),
                        store=store.name, counts=counts)
    if security.exists():
        _copy_sqlite(security, folder / SECURITY)
    manifest.files = {p.name: _sha256(p) for p in sorted(folder.iterdir())}
    (folder / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2, ensure_ascii=False),
                                   encoding="utf-8")
    os.chmod(folder / MANIFEST, 0o600)
    return manifest


def restore(store: Store, security: Path, folder: Path) -> Manifest:
    """Restore the backup in `folder` into the empty `store` and, when the backup has one,
    the security database to `security` (which must not exist yet)."""
    manifest = read_manifest(folder)
    for name, digest in manifest.files.items():
        if _sha256(folder / name) != digest:
            raise BackupError(f"{folder / name} does not match its checksum in {MANIFEST}: "
                              "the backup is damaged")
    if SECURITY in manifest.files and security.exists():
        raise BackupError(f"{security} exists: move it away (or set CREDTRACE_SECURITY_DB) "
                          "before restoring the keys and the audit trail")
    try:
        with open(folder / GRAPH, "rb") as source:
            counts = load_dump(store, source)
    except DumpError as exc:
        raise BackupError(f"{folder / GRAPH}: {exc}") from None
    if counts != {k: n for k, n in manifest.counts.items() if n}:
        raise BackupError(f"restored {counts}, the manifest says {manifest.counts}")
    store.flush()
    if SECURITY in manifest.files:
        security.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(folder / SECURITY, security)
    return manifest


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{folder / MANIFEST} cannot be read: {exc}") from None
    if manifest.format != Manifest.format or GRAPH not in manifest.files:
        raise BackupError(f"{folder} is not a credtrace backup ({manifest.format})")
    return manifest


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (its backup API), 0600."""
    target.touch(mode=0o600)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)


def _create_private(path: Path) -> BinaryIO:
    """A new file for binary writing, mode 0600 from the start."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

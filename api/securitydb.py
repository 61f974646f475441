"""The small SQLite database of the service's security: API keys and the audit trail.

One file (`ApiSettings.security_path`), opened per operation (cheap for SQLite, safe
across threads and worker processes), in WAL mode so reads do not wait for the writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
        salt TEXT NOT NULL, hash TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT)""",
    """CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, key_id TEXT NOT NULL, role TEXT NOT NULL,
        method TEXT NOT NULL, route TEXT NOT NULL, subjects TEXT NOT NULL, purpose TEXT,
        prev TEXT NOT NULL, hash TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit_head (
        one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL)""",
)


class SecurityDB:
    """The database file; `connect()` yields a connection inside one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # persistent; outside any transaction
        finally:
            db.close()
        with self.connect() as db:
            for statement in SCHEMA:
                db.execute(statement)

    @contextmanager
    def connect(self, *, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection whose transaction commits on success and rolls back on error;
        `immediate` takes the write lock at once (appends that read then write)."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

"""The small SQLite database of the service's security: API keys and the audit trail.

One file (`ApiSettings.security_path`) in WAL mode, so reads do not wait for the writer.
Each thread keeps its own connection to it, opened on first use (a connection belongs to
the thread that made it; opening one per operation cost more than the operation), and
every operation is its own transaction, so a worker process or another connection always
sees committed state as of that transaction.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import threading
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
        prev TEXT NOT NULL, hash TEXT NOT NULL, params TEXT)""",
    """CREATE TABLE IF NOT EXISTS audit_head (
        one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS mask_tokens (token TEXT PRIMARY KEY, uid TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS unknown_subjects (
        key_id TEXT NOT NULL, day TEXT NOT NULL, digest TEXT NOT NULL,
        PRIMARY KEY (key_id, day, digest)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)""",
)
#: Owner read and write only: the file holds key hashes, audit subjects (ID numbers) and
#: the masking key (SQLite gives its -wal and -shm files the database file's mode).
FILE_MODE = 0o600
#: Seconds a statement waits for another connection's write lock before failing.
BUSY_TIMEOUT = 30.0


def _open(path: Path, timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), rows by name."""
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def private(path: Path) -> None:
    """Create `path` if missing, readable and writable by its owner only. An existing file
    is never opened here: closing any descriptor of a database file drops the SQLite locks
    this process holds on it."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    os.chmod(path, FILE_MODE)


class SecurityDB:
    """The database file; `connect()` yields this thread's connection inside one
    transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        private(self.path)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # persistent; outside any transaction
        finally:
            db.close()
        with self.connect() as db:
            for statement in SCHEMA:
                db.execute(statement)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(audit)")}
            if "params" not in columns:  # a database made before entries kept parameters
                db.execute("ALTER TABLE audit ADD COLUMN params TEXT")

    def mask_key(self) -> bytes:
        """The service's masking key: drawn once (32 random bytes) and kept here, so tokens
        are the same in every process and after restarts."""
        with self.connect(immediate=True) as db:
            db.execute("INSERT OR IGNORE INTO secrets (name, value) VALUES ('mask_key', ?)",
                       (secrets.token_hex(32),))
            row = db.execute("SELECT value FROM secrets WHERE name = 'mask_key'").fetchone()
        return bytes.fromhex(row["value"])

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use, kept while the thread lives)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = _open(self.path)
        return db

    def fetch_one(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Row | None:
        """One row of one statement, read in its own (implicit) transaction."""
        row: sqlite3.Row | None = self.connection().execute(sql, params).fetchone()
        return row

    @contextmanager
    def connect(self, *, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        """This thread's connection inside a transaction that commits on success and rolls
        back on error; `immediate` takes the write lock at once (read, then write)."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

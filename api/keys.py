"""API keys: created with a role, shown once, stored only as a salted hash, revocable.

A key reads ``ctk_<id>_<secret>``: the id is public (it names the key in lists and in the
audit trail), the secret is 32 random bytes. The database keeps a random per-key salt and
SHA-256(salt ‖ secret); a presented key is checked in constant time. A revoked key stops
working on the next request.

>>> import tempfile; from pathlib import Path
>>> keys = KeyStore(SecurityDB(Path(tempfile.mkdtemp()) / "s.sqlite"))
>>> key, secret = keys.create(Role.ANALYST, "risk team")
>>> keys.verify(secret).role, keys.verify(secret + "x")
(<Role.ANALYST: 'analyst'>, None)
>>> _ = keys.revoke(key.id); keys.verify(secret) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from credtrace.api.roles import Role
from credtrace.api.securitydb import SecurityDB

PREFIX = "ctk_"
#: Where the verified key of a request is kept (its ASGI scope).
KEY = "credtrace.key"
ID_HEX = 8
MAX_NAME = 100


@dataclass(frozen=True)
class ApiKey:
    """A key's public record (never its secret)."""

    id: str
    name: str
    role: Role
    created: str
    revoked: str | None = None


def now() -> str:
    """The current UTC time, ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def _key(row: sqlite3.Row) -> ApiKey:
    return ApiKey(row["id"], row["name"], Role(row["role"]), row["created"], row["revoked"])


class KeyStore:
    """Create, list, revoke and verify keys in the security database."""

    def __init__(self, db: SecurityDB) -> None:
        self.db = db

    def create(self, role: Role | str, name: str) -> tuple[ApiKey, str]:
        """A new key of `role`; returns its record and the full key (shown once)."""
        role = Role(role)
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise ValueError(f"a key needs a name of 1 to {MAX_NAME} characters")
        key_id, secret, salt = secrets.token_hex(ID_HEX // 2), secrets.token_urlsafe(32), \
            secrets.token_hex(16)
        record = ApiKey(key_id, name, role, now())
        with self.db.connect() as db:
            db.execute("INSERT INTO api_keys (id, name, role, salt, hash, created) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (key_id, name, role.value, salt, _digest(salt, secret), record.created))
        return record, f"{PREFIX}{key_id}_{secret}"

    def all(self) -> list[ApiKey]:
        with self.db.connect() as db:
            rows = db.execute("SELECT * FROM api_keys ORDER BY created, id").fetchall()
        return [_key(row) for row in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (idempotent); `KeyError` if there is no such key."""
        with self.db.connect() as db:
            db.execute("UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL",
                       (now(), key_id))
            row = db.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        if row is None:
            raise KeyError(f"no API key {key_id!r}")
        return _key(row)

    def verify(self, presented: str) -> ApiKey | None:
        """The active key `presented` is, or None (malformed, unknown, wrong or revoked)."""
        if not presented.startswith(PREFIX) or len(presented) < len(PREFIX) + ID_HEX + 2:
            return None
        key_id = presented[len(PREFIX):len(PREFIX) + ID_HEX]
        secret = presented[len(PREFIX) + ID_HEX + 1:]
        # read every time (one indexed row through this thread's connection, ~20 µs): a
        # key revoked by any process stops working on the next request
        row = self.db.fetch_one("SELECT * FROM api_keys WHERE id = ?", (key_id,))
        if row is None or row["revoked"] is not None:
            return None
        if not hmac.compare_digest(row["hash"], _digest(row["salt"], secret)):
            return None
        return _key(row)

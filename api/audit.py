"""The audit trail: who read or wrote what, when and why, as a hash chain (domain.md §8).

Each entry records the key id and role, the method and route, the subjects (the parties
asked about), the `X-Purpose` given and the time. It stores `prev`, the hash of the entry
before it (64 zeros for the first), and `hash`, the SHA-256 of its own canonical JSON
(sorted keys, no spaces, UTF-8) including `seq` and `prev`. A head record keeps the last
sequence number and hash, written in the same transaction as each append.

`verify` walks the chain and names every entry that breaks it: an edited entry no longer
matches its hash; a deleted one leaves a gap in the numbers and a `prev` that points
nowhere; an inserted or reordered one does not match its hash or does not follow its
predecessor; entries cut from the end disagree with the head. (Whoever can rewrite the
whole file can recompute every hash too: keep the head hash `verify` prints somewhere else
to detect that.)

>>> import tempfile; from pathlib import Path
>>> trail = AuditTrail(SecurityDB(Path(tempfile.mkdtemp()) / "s.sqlite"))
>>> _ = trail.append(key_id="k1", role="analyst", method="GET", route="/v1/entities/{id}",
...                  subjects=["914101057123456728"], purpose="case 17")
>>> result = trail.verify(); result.ok, result.entries
(True, 1)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from api.keys import now
from api.securitydb import SecurityDB

GENESIS = "0" * 64
#: Fields covered by an entry's hash, in the stored order.
FIELDS = ("seq", "ts", "key_id", "role", "method", "route", "subjects", "purpose", "prev")


class AuditEntry(BaseModel):
    """One audited request."""

    model_config = ConfigDict(frozen=True)

    seq: int
    ts: str
    key_id: str
    role: str
    method: str
    route: str
    subjects: list[str]
    purpose: str | None
    prev: str
    hash: str


class ChainProblem(BaseModel):
    """Where the chain breaks and how."""

    seq: int
    problem: Literal["edited", "missing", "broken_link", "truncated"]
    detail: str


class Verification(BaseModel):
    """Whether the audit chain is intact; every break names its entry."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "ok": False, "entries": 41, "head": "9f86d081" * 8, "problems": [
            {"seq": 17, "problem": "edited", "detail": "entry 17 does not match its hash"}]}]})

    ok: bool
    entries: int
    head: str
    problems: list[ChainProblem]


def entry_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an entry's `FIELDS`."""
    text = json.dumps({k: content[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(**{**dict(row), "subjects": json.loads(row["subjects"])})


class AuditTrail:
    """Append to, read and verify the chain in the security database."""

    def __init__(self, db: SecurityDB) -> None:
        self.db = db
        self._lock = threading.Lock()  # one appender per process; SQLite locks across them

    def append(self, *, key_id: str, role: str, method: str, route: str,
               subjects: list[str], purpose: str | None) -> AuditEntry:
        """Add an entry at the head of the chain (durable when this returns)."""
        with self._lock, self.db.connect(immediate=True) as db:
            head = db.execute("SELECT seq, hash FROM audit_head").fetchone()
            seq, prev = (head["seq"] + 1, head["hash"]) if head else (1, GENESIS)
            content: dict[str, Any] = {
                "seq": seq, "ts": now(), "key_id": key_id, "role": role, "method": method,
                "route": route, "subjects": list(subjects), "purpose": purpose, "prev": prev}
            digest = entry_hash(content)
            db.execute("INSERT INTO audit (seq, ts, key_id, role, method, route, subjects, "
                       "purpose, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (seq, content["ts"], key_id, role, method, route,
                        json.dumps(content["subjects"], ensure_ascii=False), purpose, prev,
                        digest))
            db.execute("INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?) "
                       "ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, "
                       "hash = excluded.hash", (seq, digest))
        return AuditEntry(**content, hash=digest)

    def entries(self, *, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Entries with a sequence number above `after`, oldest first."""
        with self.db.connect() as db:
            rows = db.execute("SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
                              (after, limit)).fetchall()
        return [_entry(row) for row in rows]

    def verify(self) -> Verification:
        """Walk the whole chain; every break is named by the entry where it shows."""
        with self.db.connect() as db:
            head = db.execute("SELECT seq, hash FROM audit_head").fetchone()
            rows = db.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        problems: list[ChainProblem] = []
        expected_seq, prev = 1, GENESIS
        for row in rows:
            content = {k: row[k] for k in FIELDS}
            content["subjects"] = json.loads(row["subjects"])
            seq = row["seq"]
            if seq > expected_seq:
                gap = (f"entry {expected_seq}" if seq == expected_seq + 1
                       else f"entries {expected_seq}–{seq - 1}")
                problems.append(ChainProblem(seq=expected_seq, problem="missing",
                                             detail=f"{gap} deleted"))
            if entry_hash(content) != row["hash"]:
                problems.append(ChainProblem(seq=seq, problem="edited",
                                             detail=f"entry {seq} does not match its hash"))
            if row["prev"] != prev:
                problems.append(ChainProblem(
                    seq=seq, problem="broken_link", detail=f"entry {seq} does not follow the "
                    "entry before it (inserted, deleted or reordered)"))
            expected_seq, prev = seq + 1, row["hash"]
        last_seq = rows[-1]["seq"] if rows else 0
        if head is not None and (head["seq"], head["hash"]) != (last_seq, prev):
            problems.append(ChainProblem(
                seq=head["seq"], problem="truncated", detail=f"the head is entry {head['seq']} "
                f"but the chain ends at entry {last_seq}"))
        return Verification(ok=not problems, entries=len(rows), head=prev, problems=problems)

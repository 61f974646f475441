"""The audit trail: who read or wrote what, when and why, as a hash chain (domain.md §8).

Each entry records the key id and role, the method and route, the subjects (the parties
asked about), the parameters (query and the fields of a recorded event; a refused call's
status and reason), the `X-Purpose` given and the time. It stores `prev`, the hash of the entry
before it (64 zeros for the first), and `hash`, the SHA-256 of its own canonical JSON
(sorted keys, no spaces, UTF-8) including `seq` and `prev`. A head record keeps the last
sequence number and hash, written in the same transaction as the entries it follows.

`verify` walks the chain and names every entry that breaks it: an edited entry no longer
matches its hash; a deleted one leaves a gap in the numbers and a `prev` that points
nowhere; an inserted or reordered one does not match its hash or does not follow its
predecessor; entries cut from the end disagree with the head, and a missing head is named
too (it would hide a cut). Whoever can rewrite the whole file can recompute every hash and
rewind the head: `anchor` gives the head (sequence number and hash) to keep elsewhere, and
`verify(anchor=…)` checks that the anchored entry is still there, unchanged, and that the
chain has not been rewound behind it.

An append finds the chain unusable (`AuditUnusable`, answered 503) when the head is missing
or disagrees with the last entry: nothing is read or written until an administrator has
looked (``credtrace audit verify``) and repaired it (``credtrace audit reseal``).

>>> import tempfile; from pathlib import Path
>>> trail = AuditTrail(SecurityDB(Path(tempfile.mkdtemp()) / "s.sqlite"))
>>> _ = trail.append(key_id="k1", role="analyst", method="GET", route="/v1/entities/{id}",
...                  subjects=["914101057123456728"], purpose="case 17")
>>> result = trail.verify(); result.ok, result.entries
(True, 1)
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict

from credtrace.api.keys import now
from credtrace.api.securitydb import SecurityDB

log = logging.getLogger("credtrace.api")

GENESIS = "0" * 64
#: Fields covered by an entry's hash, in the stored order (`params` when an entry has them:
#: entries written before parameters were kept hash without).
FIELDS = ("seq", "ts", "key_id", "role", "method", "route", "subjects", "purpose", "prev")
Params = dict[str, Any]


class AuditUnusable(Exception):
    """The chain cannot be appended to safely (its head is missing or rewound)."""


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
    params: Params | None = None


class ChainProblem(BaseModel):
    """Where the chain breaks and how."""

    seq: int
    problem: Literal["edited", "missing", "broken_link", "truncated", "head_missing",
                     "anchor"]
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


class Anchor(BaseModel):
    """The head of the chain at one moment, to keep outside the security database."""

    seq: int
    hash: str


def entry_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an entry's `FIELDS` (and `params`, if any)."""
    fields = {k: content[k] for k in FIELDS}
    if content.get("params"):
        fields["params"] = content["params"]
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _content(row: sqlite3.Row) -> dict[str, Any]:
    return {**dict(row), "subjects": json.loads(row["subjects"]),
            "params": json.loads(row["params"]) if row["params"] else None}


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(**_content(row))


@dataclass
class _Pending:
    """An entry waiting for its commit; `done` is called once it is durable or failed."""

    fields: dict[str, Any]
    done: Callable[[_Pending], None]
    entry: AuditEntry | None = None
    error: BaseException | None = None


class AuditTrail:
    """Append to, read and verify the chain in the security database.

    Appends are committed in groups: a writer thread takes every entry waiting, chains them
    after the head it reads inside one `BEGIN IMMEDIATE` transaction (so several processes
    appending to one file still form one chain) and commits them with one sync to disk;
    each caller waits until its own entry is durable. Under load a commit carries many
    entries, so the chain costs about one sync per group instead of one per request.
    The writer stops after `IDLE` seconds without work and starts again on demand.
    """

    #: Seconds the writer thread waits for work before it stops.
    IDLE = 5.0
    #: Most entries in one commit.
    GROUP = 500

    def __init__(self, db: SecurityDB) -> None:
        self.db = db
        self.lock_path = db.path.with_name(db.path.name + ".audit-lock")
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._writing = False  # a writer thread is running

    def append(self, *, key_id: str, role: str, method: str, route: str,
               subjects: list[str], purpose: str | None,
               params: Params | None = None) -> AuditEntry:
        """Add an entry at the head of the chain (durable when this returns)."""
        finished = threading.Event()
        pending = self._submit(lambda _: finished.set(), key_id=key_id, role=role,
                               method=method, route=route, subjects=subjects, purpose=purpose,
                               params=params)
        finished.wait()
        return self._result(pending)

    async def append_async(self, *, key_id: str, role: str, method: str, route: str,
                           subjects: list[str], purpose: str | None,
                           params: Params | None = None) -> AuditEntry:
        """`append` for the event loop: waits for the commit without holding a thread."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def done(_: _Pending) -> None:
            loop.call_soon_threadsafe(_resolve, future)

        pending = self._submit(done, key_id=key_id, role=role, method=method, route=route,
                               subjects=subjects, purpose=purpose, params=params)
        await future  # the entry is written even if this request is cancelled
        return self._result(pending)

    @staticmethod
    def _result(pending: _Pending) -> AuditEntry:
        if pending.error is not None:
            raise pending.error
        assert pending.entry is not None
        return pending.entry

    def _submit(self, done: Callable[[_Pending], None], **fields: Any) -> _Pending:
        fields["subjects"] = list(fields["subjects"])
        pending = _Pending(fields, done)
        with self._cond:
            self._queue.append(pending)
            if self._writing:
                self._cond.notify()
            else:
                self._writing = True
                threading.Thread(target=self._writer, name="audit-writer", daemon=True).start()
        return pending

    def _writer(self) -> None:
        """Commit the waiting entries, group after group, until idle."""
        lock: BinaryIO | None = None
        stopped = False
        try:
            while True:
                with self._cond:
                    if not self._queue:
                        self._cond.wait(self.IDLE)
                    if not self._queue:
                        self._writing = stopped = False
                        return
                    group, self._queue = self._queue[:self.GROUP], self._queue[self.GROUP:]
                try:
                    lock = lock or open(self.lock_path, "a+b")  # noqa: SIM115 (kept open)
                    with self._turn(lock):
                        self._commit(self.db, group)
                except Exception as exc:  # each caller of the group raises it
                    for pending in group:
                        pending.error = exc
                for pending in group:
                    try:
                        pending.done(pending)
                    except Exception:  # e.g. the caller's event loop has closed
                        log.exception("audit: could not wake a caller")
        except BaseException:
            stopped = True
            raise
        finally:
            if stopped:  # ended by the interpreter: the next append starts a writer
                with self._cond:
                    self._writing = False
            if lock is not None:
                lock.close()

    @staticmethod
    @contextmanager
    def _turn(lock: BinaryIO) -> Iterator[None]:
        """This process's turn to append, among the processes writing to the file.

        An advisory lock on a file beside the database queues the writers of several
        worker processes in the kernel: each wakes as soon as the previous one is done,
        where SQLite's own busy handler would poll (sleeping 1, 2, 5, 10 … ms).
        """
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _commit(db: SecurityDB, group: list[_Pending]) -> None:
        """Chain `group` after the head and commit it in one transaction."""
        with db.connect(immediate=True) as tx:
            entries = AuditTrail._chain(tx, group)
        for pending, entry in zip(group, entries, strict=True):
            pending.entry = entry  # durable: committed

    @staticmethod
    def _chain(db: sqlite3.Connection, group: list[_Pending]) -> list[AuditEntry]:
        """Chain `group` after the head (inside the caller's write transaction)."""
        head = db.execute("SELECT seq, hash FROM audit_head").fetchone()
        last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        if (head is None) != (last is None) or (
                head is not None and (head["seq"], head["hash"]) != (last["seq"], last["hash"])):
            raise AuditUnusable(
                "the audit head is missing" if head is None else
                f"the audit head (entry {head['seq']}) disagrees with the last entry "
                f"({last['seq'] if last else 'none'}): entries deleted, or the head rewound")
        seq, prev = (head["seq"], head["hash"]) if head else (0, GENESIS)
        rows = []
        entries = []
        for pending in group:
            seq += 1
            content: dict[str, Any] = {**pending.fields, "seq": seq, "ts": now(), "prev": prev}
            digest = entry_hash(content)
            params = content.get("params") or None
            rows.append((seq, content["ts"], content["key_id"], content["role"],
                         content["method"], content["route"],
                         json.dumps(content["subjects"], ensure_ascii=False),
                         content["purpose"], prev, digest,
                         json.dumps(params, ensure_ascii=False, sort_keys=True)
                         if params else None))
            entries.append(AuditEntry.model_construct(**content, hash=digest))
            prev = digest
        db.executemany("INSERT INTO audit (seq, ts, key_id, role, method, route, subjects, "
                       "purpose, prev, hash, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       rows)
        db.execute("INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?) "
                   "ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, "
                   "hash = excluded.hash", (seq, prev))
        return entries

    def entries(self, *, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Entries with a sequence number above `after`, oldest first."""
        with self.db.connect() as db:
            rows = db.execute("SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
                              (after, limit)).fetchall()
        return [_entry(row) for row in rows]

    def anchor(self) -> Anchor:
        """The head as it is now (to keep elsewhere: `verify(anchor=…)` checks it)."""
        row = self.db.fetch_one("SELECT seq, hash FROM audit_head")
        return Anchor(seq=row["seq"], hash=row["hash"]) if row else Anchor(seq=0, hash=GENESIS)

    def reseal(self) -> Anchor:
        """Set the head to the last entry (after an administrator has verified the chain
        and kept its report): appends work again."""
        with self.db.connect(immediate=True) as db:
            last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            if last is None:
                db.execute("DELETE FROM audit_head")
                return Anchor(seq=0, hash=GENESIS)
            db.execute("INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?) "
                       "ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, "
                       "hash = excluded.hash", (last["seq"], last["hash"]))
            return Anchor(seq=last["seq"], hash=last["hash"])

    def verify(self, anchor: Anchor | None = None) -> Verification:
        """Walk the whole chain; every break is named by the entry where it shows; with an
        `anchor`, the anchored entry must still be there with its hash."""
        with self.db.connect() as db:
            head = db.execute("SELECT seq, hash FROM audit_head").fetchone()
            rows = db.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        problems: list[ChainProblem] = []
        expected_seq, prev = 1, GENESIS
        hashes: dict[int, str] = {}
        for row in rows:
            content = _content(row)
            seq = row["seq"]
            hashes[seq] = row["hash"]
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
        if head is None and rows:
            problems.append(ChainProblem(
                seq=last_seq, problem="head_missing", detail="the head record is deleted: "
                "entries after the last one may have been cut with it"))
        if anchor is not None and anchor.seq > 0 and hashes.get(anchor.seq) != anchor.hash:
            problems.append(ChainProblem(
                seq=anchor.seq, problem="anchor", detail=f"the anchored entry {anchor.seq} is "
                + ("gone: the chain was cut or rewound behind the anchor"
                   if anchor.seq not in hashes else "not the one anchored (its hash differs)")))
        return Verification(ok=not problems, entries=len(rows), head=prev, problems=problems)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

"""What the service holds while it runs: settings, the store, keys, audit, rate limits.

Built by the app's lifespan (or by a test with its own store) and kept on ``app.state``.
The store is opened on first need and again after a failed open, so a service started
while Neo4j is down serves 503 until Neo4j answers and then recovers by itself (an open
driver reconnects on its own). Reads share the store; a write (ingest, event) has it
alone, so the embedded store is never read half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from credtrace.api.audit import AuditTrail
from credtrace.api.http.evaluation_jobs import EvaluationJobs
from credtrace.api.http.ratelimit import SharedRateLimiter
from credtrace.api.http.subjects import TokenRegistry, UnknownBudget
from credtrace.api.keys import KeyStore
from credtrace.api.securitydb import SecurityDB
from credtrace.api.settings import ApiSettings
from credtrace.graph import Store, open_store


class ReadWriteLock:
    """Many readers or one writer (a writer waits for readers to leave)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._writing = True
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class StoreHolder:
    """The store, opened on first use; a failed open is retried on the next request."""

    def __init__(self, opener: Callable[[], Store], *, owned: bool = True) -> None:
        self._opener, self._owned = opener, owned
        self._store: Store | None = None
        self._lock = threading.Lock()
        self.access = ReadWriteLock()

    def opened(self) -> Store | None:
        """The store if it is open (no I/O), else None."""
        return self._store

    def get(self) -> Store:
        """The open store (raises `StoreUnavailable` / `StoreError` when it cannot open)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = self._opener()
        return self._store

    def close(self) -> None:
        if self._store is not None and self._owned:
            self._store.close()
        self._store = None


@dataclass
class Resources:
    """The service's state for one app."""

    settings: ApiSettings
    store: StoreHolder
    keys: KeyStore
    audit: AuditTrail
    #: the masking key: `CREDTRACE_MASK_KEY`, else the security database's
    mask_key: bytes
    tokens: TokenRegistry
    budget: UnknownBudget
    #: per key, shared by the service's worker processes (a file beside the database)
    limiter: SharedRateLimiter = field(init=False)
    #: evaluation runs started through the API (one at a time per server)
    evaluations: EvaluationJobs = field(init=False)
    _readers: ThreadPoolExecutor | None = field(init=False, default=None)

    #: Store reads at once through `readers` (more wait in its queue).
    READERS = 32

    def __post_init__(self) -> None:
        security = self.settings.security_path
        self.limiter = SharedRateLimiter(security.with_name(security.name + ".ratelimit"),
                                         per_minute=self.settings.rate_per_minute,
                                         burst=self.settings.rate_burst)
        self.evaluations = EvaluationJobs(self.settings.evaluations_path, self.store)

    @property
    def readers(self) -> ThreadPoolExecutor:
        """Threads of the `async def` routes' store reads (`api.http.deps.Caller.read`): a plain
        executor hand-off costs less than anyio's (capacity limiter, cancel scope). Made on
        first use, again after `close`."""
        if self._readers is None:
            self._readers = ThreadPoolExecutor(self.READERS, thread_name_prefix="store-read")
        return self._readers

    def close(self) -> None:
        """Stop a running evaluation and the reader threads and close the store (if it is
        ours); they come back on the next request (an app may be started again)."""
        self.evaluations.close()
        if self._readers is not None:
            self._readers.shutdown(wait=False)
            self._readers = None
        self.store.close()

    @classmethod
    def build(cls, settings: ApiSettings, store: Store | None = None) -> Resources:
        """Resources for `settings`; a given `store` is used as is and not closed."""
        db = SecurityDB(settings.security_path)
        holder = (StoreHolder(lambda: store, owned=False) if store is not None
                  else StoreHolder(lambda: open_store(settings.store, settings)))
        mask_key = settings.mask_key_bytes or db.mask_key()
        return cls(settings, holder, KeyStore(db), AuditTrail(db), mask_key,
                   TokenRegistry(db), UnknownBudget(db, settings.unknown_budget, mask_key))

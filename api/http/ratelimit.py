"""Rate limits per API key: a token bucket in a file shared by the service's worker
processes.

Each key has a bucket of `burst` tokens refilled at `per_minute` / 60 tokens a second; a
request takes one. An empty bucket answers how long until the next token (`Retry-After`).
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path


class SharedRateLimiter:
    """Token buckets keyed by API key id, in a small file that every worker process of the
    service maps: a key's bucket is one, whichever process answers (`--workers N`).

    The file holds `SLOTS` buckets (8-byte key digest, tokens, last refill on the system's
    monotonic clock, which all processes share), found by linear probing; an advisory lock
    on it (and a thread lock within the process) makes each take atomic. A bucket last seen
    in the future (the machine restarted) starts full, as a new one does.

    >>> import tempfile; from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "rate"
    >>> clock = iter([0.0, 0.0, 0.0, 30.0]).__next__
    >>> one = SharedRateLimiter(path, per_minute=2, burst=2, clock=clock)
    >>> other = SharedRateLimiter(path, per_minute=2, burst=2, clock=clock)
    >>> one.take("k"), other.take("k"), one.take("k"), other.take("k")
    (None, None, 30.0, None)
    """

    SLOTS = 4096
    PROBE = 64
    _SLOT = struct.Struct("<8sdd")
    _EMPTY = bytes(8)

    def __init__(self, path: Path, *, per_minute: int, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = per_minute / 60.0, float(burst), clock
        self._lock = threading.Lock()
        size = self.SLOTS * self._SLOT.size
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        weakref.finalize(self, os.close, self._fd)  # kept open while the limiter lives
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)  # zeros: empty slots
        self._map = mmap.mmap(self._fd, size)

    def take(self, key: str) -> float | None:
        """Take a token for `key`: None if granted, else the seconds to wait."""
        name = hashlib.blake2b(key.encode(), digest_size=8).digest()
        start = int.from_bytes(name, "little") % self.SLOTS
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                now = self.clock()
                slot, bucket = self._find(name, start)
                if bucket is None or bucket[1] > now:
                    tokens = self.burst
                else:
                    tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
                granted = tokens >= 1.0
                self._SLOT.pack_into(self._map, slot * self._SLOT.size, name,
                                     tokens - 1.0 if granted else tokens, now)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        return None if granted else (1.0 - tokens) / self.rate

    def _find(self, name: bytes, start: int) -> tuple[int, tuple[float, float] | None]:
        """The slot of `name` and its (tokens, last), or a free slot and None; when the
        probed slots are all taken by other keys, the one unused longest is given up."""
        oldest, oldest_last = start, float("inf")
        for step in range(self.PROBE):
            slot = (start + step) % self.SLOTS
            held, tokens, last = self._SLOT.unpack_from(self._map, slot * self._SLOT.size)
            if held == name:
                return slot, (tokens, last)
            if held == self._EMPTY:
                return slot, None
            if last < oldest_last:
                oldest, oldest_last = slot, last
        return oldest, None

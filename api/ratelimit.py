"""Rate limits per API key: a token bucket in memory (per process).

Each key has a bucket of `burst` tokens refilled at `per_minute` / 60 tokens a second; a
request takes one. An empty bucket answers how long until the next token (`Retry-After`).

>>> clock = iter([0.0, 0.0, 0.0, 30.0]).__next__
>>> limiter = RateLimiter(per_minute=2, burst=2, clock=clock)
>>> limiter.take("k"), limiter.take("k"), limiter.take("k"), limiter.take("k")
(None, None, 30.0, None)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Token buckets keyed by API key id."""

    def __init__(self, *, per_minute: int, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = per_minute / 60.0, float(burst), clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """Take a token for `key`: None if granted, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

"""The shared rate limiter: one bucket per key across instances (worker processes) mapping
the same file, refills, a full table, a clock that went back (the machine restarted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from credtrace.api.http.ratelimit import SharedRateLimiter

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_instances_on_one_file_share_each_keys_bucket(tmp_path: Path) -> None:
    clock = Clock()
    a, b = (SharedRateLimiter(tmp_path / "rate", per_minute=60, burst=3, clock=clock)
            for _ in range(2))
    assert [a.take("k1"), b.take("k1"), a.take("k1")] == [None, None, None]
    assert b.take("k1") == 1.0 and a.take("k1") == 1.0  # empty for both
    assert a.take("k2") is None  # another key, its own bucket
    clock.now += 2.0  # two tokens back
    assert [b.take("k1"), a.take("k1"), b.take("k1")] == [None, None, 1.0]
    clock.now += 3600
    assert [a.take("k1") for _ in range(4)] == [None, None, None, 1.0]  # capped at burst


def test_a_full_table_gives_up_the_bucket_unused_longest(tmp_path: Path) -> None:
    class Tiny(SharedRateLimiter):
        SLOTS = PROBE = 4

    clock = Clock()
    limiter = Tiny(tmp_path / "rate", per_minute=1, burst=1, clock=clock)
    for n in range(4):
        clock.now += 1
        assert limiter.take(f"key{n}") is None
    clock.now += 1
    assert limiter.take("key4") is None  # took key0's slot (the oldest)
    assert limiter.take("key1") is not None  # still tracked: empty
    assert limiter.take("key0") is None  # forgotten: a full bucket again


def test_a_bucket_from_before_a_restart_starts_full(tmp_path: Path) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(tmp_path / "rate", per_minute=1, burst=1, clock=clock)
    assert limiter.take("k") is None and limiter.take("k") is not None
    clock.now = 5.0  # the monotonic clock restarted with the machine
    assert limiter.take("k") is None


TAKER = """
import sys
from pathlib import Path
from credtrace.api.http.ratelimit import SharedRateLimiter
limiter = SharedRateLimiter(Path(sys.argv[1]), per_minute=1, burst=50)
print(sum(limiter.take("shared") is None for _ in range(40)))
"""


def test_processes_share_the_bucket(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", TAKER, str(tmp_path / "rate")],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    granted = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert sum(granted) == 50  # 120 asked, the burst of 50 granted once across processes

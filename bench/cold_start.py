"""The embedded CLI's cold start: a query verb as a fresh process on a memory store, against
an empty Python start (`python -c pass`) in the same run.

For each store and verb: wall time (median of `--runs`) and the CPU of the process (user +
system), each also as a ratio of the baseline's. The first enterprise key of the store is
asked about, with `--json` (no table rendering).

`--compare TREE` runs the same verbs with the command line of another source tree (e.g. an
earlier commit: `git archive REV | tar -x -C TREE`) for a before/after in one run.

Usage:
    python bench/cold_start.py memory:/tmp/m20k memory:/tmp/m100k [--runs 5] [--compare TREE]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from credtrace.graph.model import Label

VERBS = ("check", "owners", "score")


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `argv` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(argv: list[str], runs: int, env: dict[str, str] | None = None
           ) -> tuple[float, float]:
    samples = [timed(argv, env) for _ in range(runs)]
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))


def first_enterprise(spec: str) -> str:
    from credtrace.graph import open_store

    store = open_store(spec)
    return next(iter(store.uids(Label.ENTERPRISE)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stores", nargs="+", help="memory:PATH of each store")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", type=Path,
                        help="an older source tree's CLI (its bare `api` package, from before "
                             "the credtrace namespace), run too")
    args = parser.parse_args()
    clis: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "": ([str(Path(sys.executable).with_name("credtrace"))], None)}
    if args.compare:
        clis[f" [{args.compare}]"] = (
            [sys.executable, "-c", "from api.cli import app; app()"],
            {**os.environ, "PYTHONPATH": str(args.compare.resolve())})
    base_wall, base_cpu = median([sys.executable, "-c", "pass"], args.runs)
    print(f"baseline `python -c pass`: {base_wall * 1000:.0f} ms wall, "
          f"{base_cpu * 1000:.0f} ms CPU (median of {args.runs})")
    for spec in args.stores:
        key = first_enterprise(spec)
        size = Path(spec.removeprefix("memory:"), "graph.pickle").stat().st_size / 2**20
        for (label, (cli, env)), verb in ((c, v) for v in VERBS for c in clis.items()):
            wall, cpu = median([*cli, verb, key, "--store", spec, "--json"], args.runs, env)
            print(f"{spec} ({size:,.0f} MiB) {verb}{label}: {wall:.2f} s wall "
                  f"({wall / base_wall:.0f}x baseline), {cpu:.2f} s CPU "
                  f"({cpu / base_cpu:.0f}x baseline)")


if __name__ == "__main__":
    main()

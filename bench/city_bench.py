"""City-wide runs, printed as figures, each a ratio against a baseline of the same process.

On a store (`--store memory:PATH` or a Neo4j URI) holding a generated graph:

1. Evaluation: `queries.evaluation.Evaluation` over every enterprise (or the first
   `--limit`), rows written to JSON lines, against the baseline of calling
   `queries.score.score` on the same keys and discarding the answers: enterprises per
   second, CPU time, the ratio (the run shares reads and solved control across
   enterprises; each `score()` call works alone), and peak RSS.
2. Alert sweep: `queries.sweep.Sweep` (every alert, no cut) against `queries.alerts.alerts`
   (the capped lists): wall time and the ratio.
3. Draw: `queries.inspections.draw` at 5 % of every grade with 200 inspectors, against
   reading the evaluation rows alone. `--draw-only` skips the evaluation and draws from
   stand-in rows: every enterprise of the store, graded by a hash of its key (80 % A,
   12 % B, 5 % C, 3 % D): the draw's cost depends on the number of rows, not on why a
   grade was given.
4. Cold start: `credtrace score USCC` as a subprocess against `python -c pass`.

Usage:
    python bench/city_bench.py --store memory:/tmp/m20k [--limit 5000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from credtrace.api.evaluation_run import write_rows
from credtrace.api.result_files import read_jsonl
from credtrace.graph import Settings, open_store
from credtrace.graph.model import Label
from credtrace.queries.alerts import alerts
from credtrace.queries.evaluation import Evaluation
from credtrace.queries.inspections import Inspector, Plan, draw
from credtrace.queries.score import score
from credtrace.queries.sweep import Sweep


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def stand_in_grade(uscc: str) -> str:
    """A grade for `--draw-only` rows: 80 % A, 12 % B, 5 % C, 3 % D by a hash of the key."""
    share = int(hashlib.sha256(uscc.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "A" if share < 0.80 else "B" if share < 0.92 else "C" if share < 0.97 else "D"


def cpu_timed(work: object) -> tuple[float, float]:
    """Wall and CPU seconds of `work()` (the CPU figure holds steadier on a shared machine)."""
    cpu = time.process_time()
    wall = timed(work)
    return wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--as-of", default="2026-11-01")
    parser.add_argument("--limit", type=int, default=0, help="first N enterprises only")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--draw-only", action="store_true",
                        help="no evaluation: draw from stand-in rows of every enterprise")
    args = parser.parse_args()
    loaded = time.perf_counter()
    store = open_store(args.store)
    limits = Settings().limits  # as the CLI: CREDTRACE_MAX_* from the environment
    keys = list(store.uids(Label.ENTERPRISE))
    print(f"store opened in {time.perf_counter() - loaded:.1f} s: {len(keys):,} enterprises, "
          f"RSS {rss_mib():,.0f} MiB")
    if args.limit:
        keys = keys[:args.limit]
    out = Path(tempfile.mkdtemp())
    if args.draw_only:
        content_hash = "stand-in"
        write_rows(out, ({"uscc": k, "name": k, "grade": stand_in_grade(k)} for k in keys),
                   ["jsonl"])
    else:
        base, base_cpu = cpu_timed(lambda: [score(store, k, as_of=args.as_of) for k in keys])
        run = Evaluation(store, as_of=args.as_of, keys=keys)
        wall, cpu = cpu_timed(lambda: write_rows(out, run.rows(), ["jsonl"]))
        content_hash = run.content_hash
        print(f"evaluation: {len(keys):,} enterprises in {wall:.1f} s ({len(keys) / wall:,.0f}/s; "
              f"CPU {cpu:.1f} s, {1000 * cpu / len(keys):.2f} ms each), {wall / base:.2f}x bare "
              f"score() calls ({base:.1f} s; CPU {base_cpu:.1f} s); peak RSS "
              f"{rss_mib():,.0f} MiB; grades {dict(run.grades)}")
    rows = out / "evaluation.jsonl"
    reading = timed(lambda: sum(1 for _ in read_jsonl(rows)))
    plan = Plan.parse({"name": "bench", "as_of": args.as_of, "published_value": "0815",
                       "rates": dict.fromkeys("ABCD", 0.05), "inspectors_per_enterprise": 2},
                      limits)
    listed = [Inspector(f"I-{i}", f"检查员{i}", None) for i in range(200)]
    drawing = timed(lambda: draw(store, plan, read_jsonl(rows), listed, content_hash, limits))
    print(f"draw at 5 % of {len(keys):,} rows: {drawing:.2f} s, {drawing / reading:.1f}x "
          f"reading the rows ({reading:.2f} s); peak RSS {rss_mib():,.0f} MiB")
    if not args.skip_sweep:
        capped = timed(lambda: alerts(store, as_of=args.as_of, limits=limits))
        swept = Sweep(store, as_of=args.as_of, limits=limits)
        full = timed(lambda: sum(1 for _ in swept.alerts()))
        print(f"alert sweep: {full:.1f} s for {json.dumps(swept.counts)}, "
              f"{full / capped:.2f}x the capped alerts() ({capped:.1f} s)")
    store.close()
    if args.store.startswith("memory:"):
        nothing = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
        cli = Path(sys.executable).with_name("credtrace")
        cold = timed(lambda: subprocess.run(
            [str(cli), "score", keys[0], "--store", args.store, "--json"],
            check=True, capture_output=True))
        print(f"CLI cold start (score): {cold:.2f} s wall, {cold / nothing:.0f}x an empty "
              f"Python start ({nothing:.2f} s)")


if __name__ == "__main__":
    main()

"""Ingestion speed, printed as figures (ratios against baselines run in the same process).

1. Batched UNWIND writes vs a row-by-row MERGE baseline, same rows, same Neo4j.
2. The whole pipeline (read, validate, write) on a generated bundle, each load in a fresh
   process: wall time, rows/s and peak RSS (the loader's, and its largest worker's) of
   - `bulk`: `ingest --bulk` into the emptied local server (scripts/neo4j-local: the
     import stops and restarts it), with the duration of each phase;
   - `online`: the batched online path into Neo4j;
   - `memory`: the embedded store.

Usage (Neo4j from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, e.g. `scripts/neo4j-local env`):
    python bench/ingest_bench.py --sample 3000 --enterprises 20000
    python bench/ingest_bench.py --enterprises 1000000 --skip-baseline --modes bulk \
        --bundle /tmp/bundle-1m
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from credtrace.graph import EntityRow, Settings, open_store
from credtrace.graph.model import Label
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.ingest.bulk import LOCAL_SCRIPT
from credtrace.ingest.generate import generate_bundle
from credtrace.ingest.identifiers import make_ric

BASELINE_MERGE = f"MERGE (p:{Label.PERSON} {{uid: $uid}}) SET p += $props"


def person_rows(n: int) -> list[EntityRow]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        uid = make_ric(rng, "410105", date(1960 + i % 40, 1 + i % 12, 1 + i % 28), "male")
        rows.append(EntityRow(uid, {"name": f"测试{i}", "id_type": "ric", "id_number": uid},
                              {"source": "bench", "file": "persons.csv", "line": i + 2}))
    return rows


def batched_vs_row_by_row(store: Neo4jStore, sample: int) -> dict[str, float]:
    """Persons written one MERGE per transaction (`sample` rows) vs our versioned UNWIND
    batches of 5,000 (10 x `sample` rows, after one warm-up batch that plans the query)."""
    rows = person_rows(11 * sample)
    warm_up, batched_rows, baseline_rows = rows[:5000], rows[sample:], rows[:sample]
    store.clear()
    for row in baseline_rows[:50]:  # plan the statement once before timing
        store.run(BASELINE_MERGE, uid=row.uid, props={**row.content, **row.provenance})
    started = time.perf_counter()
    for row in baseline_rows:
        store.run(BASELINE_MERGE, uid=row.uid, props={**row.content, **row.provenance})
    baseline = sample / (time.perf_counter() - started)
    store.clear()
    store.upsert_nodes(Label.PERSON, warm_up)
    store.clear()
    started = time.perf_counter()
    for i in range(0, len(batched_rows), 5000):
        store.upsert_nodes(Label.PERSON, batched_rows[i:i + 5000])
    batched = len(batched_rows) / (time.perf_counter() - started)
    store.clear()
    return {"row_by_row_rows_per_s": round(baseline, 1), "batched_rows_per_s": round(batched, 1),
            "ratio": round(batched / baseline, 1)}


LOADER = """
import json, resource, sys, time
from credtrace.graph import open_store
from credtrace.ingest import ingest_path
from credtrace.ingest.bulk import default_importer
spec, bundle, bulk = sys.argv[1], sys.argv[2], sys.argv[3] == "bulk"
store = open_store(spec)
phases = []
started = time.perf_counter()
report = ingest_path(store, bundle, bulk=default_importer() if bulk else None, say=phases.append)
store.flush()
wall = time.perf_counter() - started
rows = sum(c.read for c in report.tables.values())
usage = {who: resource.getrusage(who).ru_maxrss // 1024
         for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)}
print(json.dumps({"status": report.status, "rows": rows, "wall_s": round(wall, 1),
                  "rows_per_s": round(rows / wall), "rejected": report.rejected,
                  "created": report.writes.created,
                  "peak_rss_mib": usage[resource.RUSAGE_SELF],
                  "largest_child_rss_mib": usage[resource.RUSAGE_CHILDREN],
                  "phases": phases}, ensure_ascii=False))
"""


def load_in_subprocess(store_spec: str, bundle: Path, mode: str) -> dict[str, Any]:
    """Ingest `bundle` in a fresh process; its wall time, rows and peak RSS. (The largest
    child is a row-preparing worker, or the neo4j-admin importer of a bulk load.)"""
    out = subprocess.run([sys.executable, "-c", LOADER, store_spec, str(bundle), mode],
                         check=True, stdout=subprocess.PIPE, text=True)  # stderr: the log
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the write-path comparison (each printed, then the median)")
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--bundle", type=Path,
                        help="keep the generated bundle here and reuse it if already there")
    parser.add_argument("--modes", default="bulk,online,memory",
                        help="loads to run, comma-separated: bulk, online, memory")
    args = parser.parse_args()
    settings = Settings()
    if not settings.neo4j_uri:
        sys.exit("set NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD (see scripts/neo4j-local env)")
    store = open_store(settings.neo4j_uri, settings)
    assert isinstance(store, Neo4jStore)
    print(f"machine: {os.cpu_count()} cores; neo4j: {settings.neo4j_uri}")
    if not args.skip_baseline:
        ratios = []
        for _ in range(args.rounds):
            figures = batched_vs_row_by_row(store, args.sample)
            ratios.append(figures["ratio"])
            print("write path, persons:", json.dumps(figures), flush=True)
        print(f"write path, median ratio of {len(ratios)}: {statistics.median(ratios)}")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = args.bundle or Path(tmp) / "bundle"
        if not (bundle / "enterprises.csv").exists():
            started = time.perf_counter()
            counts = generate_bundle(bundle, args.enterprises, args.seed)
            print(f"generated {args.enterprises:,} enterprises ({sum(counts.values()):,} rows)"
                  f" in {time.perf_counter() - started:.1f} s")
        store.close()
        for mode in args.modes.split(","):
            if mode == "memory":
                spec = f"memory:{Path(tmp) / 'memory-store'}"
            else:  # an empty database, fast whatever it held before
                spec = settings.neo4j_uri
                subprocess.run([str(LOCAL_SCRIPT), "reset"], check=True, capture_output=True)
            print(f"pipeline, {mode}:", json.dumps(load_in_subprocess(spec, bundle, mode),
                                                   ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

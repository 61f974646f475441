"""A soak of mixed HTTP API traffic, printed as figures per minute (issue 16, "Load").

Starts `credtrace serve` (default `--workers 2`) on 127.0.0.1 over the store (default:
NEO4J_URI), makes a sanction-system, an investigator and an admin key, and for `--minutes`
sends from `--clients` threads a mix of single and batch checks, entity reads, paths and
neighbourhoods, plus, once a minute, an admin's small bundle upload and a due-process event.
Bounded in time and count, loopback only; everything started here is stopped at the end.

Printed: per minute the requests, errors (non-2xx answers the mix did not expect, and
5xx apart), p50/p99 in ms overall and per route and the RSS of every server process; the
RSS growth from start to end, and from the end of the first (warm-up) minute to the end;
then the audit trail verified (`credtrace audit verify`) with its entry count against the
requests sent.

Usage:  python bench/soak.py --minutes 10 [--workers 2] [--clients 4] [--store URI]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from api_load import AS_OF, CLI, free_port, process_tree, server

from credtrace.graph import Settings, Store, open_store
from credtrace.graph.model import Label
from credtrace.graph.neo4j.store import Neo4jStore

SAMPLE = "MATCH (n:{label}) WITH n, rand() AS x ORDER BY x LIMIT $n RETURN n.uid AS uid"
#: One enterprise: the admin's small upload (the same each minute: a reload writes nothing).
SMALL_BUNDLE = {
    "enterprises.csv": "uscc,name,kind,status,established,address,phone,email\n"
                       "91410100MA9X0SOAK5,郑州浸泡测试有限公司,limited_company,active,"
                       "2020-01-02,郑州市金水区测试路1号,0371-60000000,soak@example.cn\n",
}


def sample(store: Store, label: str, n: int) -> list[str]:
    """Up to `n` random keys of `label` (Neo4j: sampled by the server)."""
    if isinstance(store, Neo4jStore):
        return [r["uid"] for r in store.run(SAMPLE.format(label=label), n=n)]
    keys = [node.uid for node in islice(store.nodes(label), n * 10)]
    random.Random(7).shuffle(keys)
    return keys[:n]


def rss_mib(pids: Sequence[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kib = next(int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmRSS:"))
        found[pid] = round(kib / 1024, 1)
    return found


class Mix:
    """The requests of the soak, each (route name, method, path, body, expected statuses)."""

    def __init__(self, enterprises: list[str], persons: list[str], measures: list[str]):
        self.enterprises, self.persons = enterprises, persons
        self.parties = enterprises + persons
        self.measures = measures
        self.rng = random.Random(42)

    def next(self) -> tuple[str, str, str, Any, set[int]]:
        rng, q = self.rng, f"as_of={AS_OF}"
        one = quote(rng.choice(self.parties), safe="")
        roll = rng.random()
        if roll < 0.40:
            return "check", "GET", f"/v1/check/{one}?{q}", None, {200}
        if roll < 0.50:
            subjects = rng.sample(self.parties, min(20, len(self.parties)))
            body = {"subjects": subjects, "as_of": AS_OF}
            return "check_batch", "POST", "/v1/check", body, {200}
        if roll < 0.70:
            return "entity", "GET", f"/v1/entities/{one}?{q}", None, {200}
        if roll < 0.85:
            other = quote(rng.choice(self.parties), safe="")
            return "paths", "GET", f"/v1/paths?from={one}&to={other}&{q}", None, {200, 404}
        return "graph", "GET", f"/v1/graph/{one}?hops=1&{q}", None, {200}


class Recorder:
    """Answers by minute: (route, seconds, status, expected)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_minute: dict[int, list[tuple[str, float, int, bool]]] = defaultdict(list)
        self.started = time.monotonic()

    def add(self, route: str, seconds: float, status: int, expected: bool) -> None:
        minute = int((time.monotonic() - self.started) // 60)
        with self.lock:
            self.by_minute[minute].append((route, seconds, status, expected))

    def total(self) -> int:
        return sum(len(v) for v in self.by_minute.values())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1e3, 1)


def report_minute(minute: int, answers: list[tuple[str, float, int, bool]]) -> dict[str, Any]:
    times = [s for _, s, _, _ in answers]
    routes = {}
    for route in sorted({r for r, _, _, _ in answers}):
        mine = [s for r, s, _, _ in answers if r == route]
        routes[route] = {"n": len(mine), "p50": percentile(mine, 0.5),
                         "p99": percentile(mine, 0.99)}
    return {"minute": minute + 1, "requests": len(answers),
            "errors": sum(1 for *_, ok in answers if not ok),
            "5xx": sum(1 for _, _, s, _ in answers if s >= 500),
            "p50_ms": round(statistics.median(times) * 1e3, 1),
            "p99_ms": percentile(times, 0.99), "routes": routes}


def upload(client: httpx.Client) -> int:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in SMALL_BUNDLE.items():
            archive.writestr(name, text)
    files = {"files": ("bundle.zip", data.getvalue(), "application/zip")}
    return client.post("/v1/ingest", files=files).status_code


def admin_loop(client: httpx.Client, measures: list[str], record: Recorder,
               stop: threading.Event) -> None:
    """Once a minute: the small upload, then an objection to a measure not yet touched."""
    pending, delay = list(measures), 5.0
    while not stop.wait(delay):
        delay = 60.0
        began = time.monotonic()
        status = upload(client)
        record.add("ingest", time.monotonic() - began, status, status in (200, 201))
        if pending:
            measure = quote(pending.pop(), safe="")
            began = time.monotonic()
            answer = client.post(f"/v1/measures/{measure}/events",
                                 json={"event": "objection_filed", "date": AS_OF,
                                       "note": "浸泡测试：提出异议"})
            # a measure already under objection or ended answers 422: expected, not an error
            record.add("event", time.monotonic() - began, answer.status_code,
                       answer.status_code in (200, 201, 422))


def client_loop(client: httpx.Client, mix: Mix, record: Recorder, stop: threading.Event,
                lock: threading.Lock) -> None:
    while not stop.is_set():
        with lock:
            route, method, path, body, ok = mix.next()
        began = time.monotonic()
        try:
            status = client.request(method, path, json=body).status_code
        except httpx.HTTPError:
            status = 599
        record.add(route, time.monotonic() - began, status, status in ok)


def keyed(base: str, key: str, purpose: bool) -> httpx.Client:
    headers = {"X-API-Key": key} | ({"X-Purpose": quote("浸泡测试")} if purpose else {})
    return httpx.Client(base_url=base, headers=headers, timeout=30)


def make_key(env: dict[str, str], role: str) -> str:
    made = subprocess.run([str(CLI), "keys", "create", "--role", role, "--name", f"soak {role}"],
                          env=env, check=True, capture_output=True, text=True)
    return made.stdout.strip().splitlines()[-1]


def run(args: argparse.Namespace) -> None:
    settings = Settings()
    spec = args.store or settings.neo4j_uri
    if not spec:
        sys.exit("give --store or set NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD")
    store = open_store(spec, settings)
    enterprises, persons = sample(store, Label.ENTERPRISE, 5000), sample(store, Label.PERSON, 5000)
    measures = sample(store, Label.MEASURE, 200)
    counts = store.counts()
    store.close()
    print(f"machine: {os.cpu_count()} cores; store {spec}: {counts[Label.ENTERPRISE]:,} "
          f"enterprises; {args.minutes} min, {args.clients} clients, {args.workers} workers",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "CREDTRACE_SECURITY_DB": str(work / "security.sqlite"),
               "CREDTRACE_MASK_KEY": secrets.token_hex(16),
               "CREDTRACE_RATE_PER_MINUTE": "1000000", "CREDTRACE_RATE_BURST": "100000"}
        keys = {role: make_key(env, role) for role in ("investigator", "admin")}
        log = work / "server.log"
        with server(env, spec, free_port(), log, ["--workers", str(args.workers),
                                                  "--no-access-log"]) as running:
            pids = process_tree(running.pid)
            start_rss = rss_mib(pids)
            warm: dict[int, float] = {}
            mix, record, stop, lock = (Mix(enterprises, persons, measures), Recorder(),
                                       threading.Event(), threading.Lock())
            clients = [keyed(running.url, keys["investigator"], True)
                       for _ in range(args.clients)]
            admin = keyed(running.url, keys["admin"], True)
            loops: list[Callable[[], None]] = [
                *(lambda c=c: client_loop(c, mix, record, stop, lock) for c in clients),
                lambda: admin_loop(admin, measures, record, stop)]
            threads = [threading.Thread(target=loop) for loop in loops]
            for thread in threads:
                thread.start()
            reported = 0
            deadline = record.started + args.minutes * 60
            while time.monotonic() < deadline:
                time.sleep(min(5, max(0.0, deadline - time.monotonic())))
                done = int((time.monotonic() - record.started) // 60)
                for minute in range(reported, done):
                    line = report_minute(minute, record.by_minute[minute])
                    line["rss_mib"] = list(rss_mib(pids).values())
                    print(json.dumps(line, ensure_ascii=False), flush=True)
                    warm = warm if minute else rss_mib(pids)  # after the first minute
                reported = done
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            for client in [*clients, admin]:
                client.close()
            end_rss = rss_mib(pids)
        for minute in sorted(m for m in record.by_minute if m >= reported):
            print(json.dumps(report_minute(minute, record.by_minute[minute]),
                             ensure_ascii=False), flush=True)
        print("rss MiB (start -> end, growth):", json.dumps({
            pid: [start_rss[pid], end_rss.get(pid), round(
                (end_rss.get(pid, 0) / start_rss[pid] - 1) * 100, 1)] for pid in start_rss}))
        print("rss MiB (after the first minute, warm -> end, growth):", json.dumps({
            pid: [warm[pid], end_rss.get(pid), round(
                (end_rss.get(pid, 0) / warm[pid] - 1) * 100, 1)] for pid in warm}))
        answers = [a for minute in record.by_minute.values() for a in minute]
        print(f"total: {len(answers)} requests, "
              f"{sum(1 for *_, ok in answers if not ok)} errors, "
              f"{sum(1 for _, _, s, _ in answers if s >= 500)} 5xx")
        verified = subprocess.run([str(CLI), "audit", "verify", "--json"], env=env,
                                  capture_output=True, text=True)
        trail = json.loads(verified.stdout)
        print(f"audit trail: ok={trail['ok']}, {trail['entries']} entries for "
              f"{len(answers)} requests (+ key creation and setup calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4, help="concurrent reader threads")
    parser.add_argument("--workers", type=int, default=2, help="`credtrace serve --workers`")
    parser.add_argument("--store", help="default: NEO4J_URI")
    run(parser.parse_args())


if __name__ == "__main__":
    main()

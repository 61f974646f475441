"""HTTP API load on the check routes, printed as figures (issue 5, "Measure").

Starts `credtrace serve` on 127.0.0.1 as a subprocess over the store (default: NEO4J_URI,
read only), creates a `sanction_system` key through the CLI (rate limit raised through the
settings), and loads `GET /v1/check/{id}` and `POST /v1/check` from a second process, wrk
(`apt-get install -y wrk`), with a Lua script rotating ids and sending the key. Each run is
bounded in time, on loopback only, and everything started here is stopped at the end.

Printed: sustained requests/s and p50/p99 per concurrency, with wrk's error counts (socket
errors and non-2xx answers), the server's CPU time per request (all its processes; Neo4j's
too with --neo4j-pid) and the server's 5xx count; then the overhead of the API over calling
`check` in-process on the same store, as a ratio (p50 over p50, and rates).

Usage (Neo4j from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD):
    python bench/api_load.py --duration 20 --connections 1,2,4,8 [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from credtrace.graph import Settings, open_store
from credtrace.graph.limits import Limits
from credtrace.graph.model import Label
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.queries.check import check, check_batch

AS_OF = "2026-11-01"  # the date the generated data describe
CLI = Path(sys.executable).with_name("credtrace")
SAMPLE = ("MATCH (n:{label}) WITH n, rand() AS x ORDER BY x LIMIT $n RETURN n.uid AS uid")

LUA = r"""
local lines, key, method, path, i = {}, nil, nil, nil, 0
function init(args)
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  key, method, path = args[2], args[3], args[4]
  i = math.random(#lines)
end
function request()
  i = i % #lines + 1
  if method == "GET" then
    return wrk.format("GET", lines[i], {["X-API-Key"] = key})
  end
  return wrk.format("POST", path, {["X-API-Key"] = key,
                                   ["Content-Type"] = "application/json"}, lines[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "non_2xx": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sample_ids(store: Neo4jStore, n: int) -> list[str]:
    """Random enterprises and persons, half each, shuffled."""
    ids = [r["uid"] for label in (Label.ENTERPRISE, Label.PERSON)
           for r in store.run(SAMPLE.format(label=label), n=n // 2)]
    random.Random(42).shuffle(ids)
    return ids


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid] + [p for child in found.split() for p in process_tree(int(child))]


@dataclass
class Server:
    url: str
    pid: int


@contextmanager
def server(env: dict[str, str], store: str, port: int, log: Path,
           extra: Sequence[str] = ()) -> Iterator[Server]:
    """`credtrace serve` on 127.0.0.1:`port` until the block ends."""
    with open(log, "w") as out:
        proc = subprocess.Popen([str(CLI), "serve", "--store", store, "--host", "127.0.0.1",
                                 "--port", str(port), *extra], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {log}") from None
                time.sleep(0.3)
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk(url: str, script: Path, lines: Path, key: str, method: str, path: str,
        connections: int, duration: int, cpu_of: Sequence[int] = (),
        neo4j_pid: int | None = None) -> dict[str, Any]:
    """One bounded wrk run (its own process); its figures, with the CPU time per request of
    the processes `cpu_of` (and of Neo4j's process)."""
    before = cpu_seconds(cpu_of), cpu_seconds([neo4j_pid] if neo4j_pid else [])
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s",
         str(script), url, "--", str(lines), key, method, path],
        check=True, capture_output=True, text=True, timeout=duration + 60)
    found = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    raw = json.loads(found.group(1))
    after = cpu_seconds(cpu_of), cpu_seconds([neo4j_pid] if neo4j_pid else [])
    cpu = {name: round((a - b) / max(raw["requests"], 1) * 1e3, 2)
           for name, a, b, wanted in (("server_cpu_ms", after[0], before[0], cpu_of),
                                      ("neo4j_cpu_ms", after[1], before[1], neo4j_pid))
           if wanted}
    errors = sum(raw[k] for k in ("non_2xx", "connect_errors", "read_errors", "write_errors",
                                  "timeouts"))
    return {"connections": connections, "requests_per_s": round(
                raw["requests"] / raw["duration_us"] * 1e6, 1),
            "p50_ms": raw["p50_us"] / 1e3, "p90_ms": raw["p90_us"] / 1e3,
            "p99_ms": raw["p99_us"] / 1e3, "max_ms": raw["max_us"] / 1e3,
            "requests": raw["requests"], "errors": errors, **cpu,
            **{k: v for k, v in raw.items() if k.endswith(("errors", "2xx", "timeouts")) and v}}


def server_errors(log: Path) -> int:
    """5xx answers in the server's access log."""
    return len(re.findall(r'" 5\d\d ', log.read_text(errors="replace")))


def direct(store: Neo4jStore, ids: Sequence[str], seconds: float, batch: int,
           limits: Limits) -> dict[str, float]:
    """`check` (and `check_batch` within `limits`) called in-process on the same store,
    sequentially."""
    figures: dict[str, float] = {}
    for name, size in (("single", 1), ("batch", batch)):
        times, i, started = [], 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            chunk = [ids[(i + k) % len(ids)] for k in range(size)]
            i += size
            begin = time.perf_counter()
            if size == 1:
                check(store, chunk[0], as_of=AS_OF)
            else:
                check_batch(store, chunk, as_of=AS_OF, limits=limits)
            times.append(time.perf_counter() - begin)
        figures[f"{name}_per_s"] = round(len(times) / sum(times), 1)
        figures[f"{name}_p50_ms"] = round(statistics.median(times) * 1e3, 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--connections", default="1,2,4,8",
                        help="concurrent connections of the single-check runs")
    parser.add_argument("--batch", type=int, default=100, help="subjects per batch request")
    parser.add_argument("--batch-connections", type=int, default=2)
    parser.add_argument("--ids", type=int, default=20000, help="distinct subjects to rotate")
    parser.add_argument("--workers", type=int, default=1, help="`credtrace serve --workers`")
    parser.add_argument("--no-access-log", action="store_true",
                        help="serve without the access log (the 5xx count then comes from "
                             "wrk's non-2xx count only)")
    parser.add_argument("--neo4j-pid", type=int, help="also report Neo4j's CPU per request")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    settings = Settings()
    if not settings.neo4j_uri:
        sys.exit("set NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD")
    store = open_store(settings.neo4j_uri, settings)
    assert isinstance(store, Neo4jStore)
    ids = sample_ids(store, args.ids)
    print(f"machine: {os.cpu_count()} cores; neo4j: {settings.neo4j_uri}; {len(ids)} subjects; "
          f"as of {AS_OF}; wrk {args.duration} s per run")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "CREDTRACE_SECURITY_DB": str(work / "security.sqlite"),
               "CREDTRACE_MASK_KEY": secrets.token_hex(16),
               "CREDTRACE_RATE_PER_MINUTE": "1000000", "CREDTRACE_RATE_BURST": "100000"}
        made = subprocess.run([str(CLI), "keys", "create", "--role", "sanction_system",
                               "--name", "api-load bench"], env=env, check=True,
                              capture_output=True, text=True)
        key = made.stdout.strip().splitlines()[-1]
        script = work / "check.lua"
        script.write_text(LUA)
        singles = work / "single.txt"
        singles.write_text("".join(f"/v1/check/{quote(i, safe='')}?as_of={AS_OF}\n"
                                   for i in ids))
        bodies = work / "batch.txt"
        bodies.write_text("".join(
            json.dumps({"subjects": ids[k:k + args.batch], "as_of": AS_OF}) + "\n"
            for k in range(0, len(ids) - args.batch + 1, args.batch)))
        log = work / "server.log"
        extra = ["--workers", str(args.workers)] + (["--no-access-log"]
                                                     if args.no_access_log else [])
        with server(env, settings.neo4j_uri, free_port(), log, extra) as running:
            url = running.url
            wrk(url, script, singles, key, "GET", "", 4, 5)  # warm-up
            pids = process_tree(running.pid)
            print(f"server: {args.workers} worker(s), access log "
                  f"{'off' if args.no_access_log else 'on'}, processes {pids}", flush=True)
            for connections in (int(c) for c in args.connections.split(",")):
                result = wrk(url, script, singles, key, "GET", "", connections, args.duration,
                             pids, args.neo4j_pid)
                result["target_met"] = (result["errors"] == 0 and result["requests_per_s"] >= 300
                                        and result["p99_ms"] <= 50)
                print("GET /v1/check/{id}:", json.dumps(result), flush=True)
            result = wrk(url, script, bodies, key, "POST", "/v1/check",
                         args.batch_connections, args.duration, pids, args.neo4j_pid)
            result["subjects_per_s"] = round(result["requests_per_s"] * args.batch, 1)
            print(f"POST /v1/check ({args.batch} subjects):", json.dumps(result), flush=True)
            single = wrk(url, script, singles, key, "GET", "", 1, args.duration)
        print("server 5xx answers:", "see non_2xx above" if args.no_access_log
              else server_errors(log))
    local = direct(store, ids, args.duration, args.batch, settings.limits)
    store.close()
    print("check in-process:", json.dumps(local))
    print("API overhead over the query function:", json.dumps({
        "single_p50_ratio": round(single["p50_ms"] / local["single_p50_ms"], 2),
        "single_rate_ratio_one_connection": round(local["single_per_s"]
                                                  / single["requests_per_s"], 2)}))


if __name__ == "__main__":
    main()

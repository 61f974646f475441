"""Query speed, printed as figures: each a ratio against a baseline run in the same process.

On Neo4j (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD) holding a generated graph
(`credtrace generate --enterprises N --seed 42 --out DIR`, `credtrace ingest DIR --store URI`):

1. `check` p50/p99 for single subjects (random enterprises and persons; `with_risk=False`,
   the machine path, and the default), each percentile over the same percentile of a
   `RETURN 1` round trip timed alternately with it; hub subjects apart (persons with the most
   roles, enterprises with the most relationships); `check_batch` of 1,000 subjects.
2. `accountable` (sanctioned enterprises) and `owners` (deep holding chains), the same way.
3. The effective-ownership walk against a naive all-paths Cypher statement (simple paths,
   products summed per holder in Cypher) on enterprises where chains split and rejoin:
   identical answers, speed ratio. Where pooled control matters (two or more corporate
   holders; `generate --profile realistic`): the actual-controller answer against every
   path read in one statement and the same rule applied (same candidates, speed ratio),
   with `owners` and `accountable` on those enterprises.
4. `Store.shortest_paths` with both ends bound against legacy `allShortestPaths` with a
   post-filter on types and dates, on pairs with a path and pairs without; with `--bundle DIR`
   (the bundle the graph was loaded from) also against the memory store (networkx) in-process.
5. `--memory N`: the same query set on the memory store at N generated enterprises, the
   baseline being one trivial store call (`get_nodes` of one key).

Each line also gives the store round trips (Neo4j statements; memory: primitive calls) per
query. The database is only read.

Usage:
    python bench/query_bench.py --samples 300
    python bench/query_bench.py --bundle /tmp/b20k          # adds networkx for paths
    python bench/query_bench.py --memory 100000 --skip-neo4j
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx

from credtrace.graph import MODEL, MemoryStore, Settings, Store, open_store
from credtrace.graph.model import ROLE_TYPES, Label, Rel
from credtrace.graph.neo4j.cypher import SHORTEST_PATHS, plan_key
from credtrace.graph.neo4j.cypher import gather as gather_statement
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.graph.records import Edge
from credtrace.ingest import ingest_bundle
from credtrace.ingest.generate import generate_bundle
from credtrace.queries.accountability import accountable
from credtrace.queries.check import check, check_batch
from credtrace.queries.common import key_forms
from credtrace.queries.network import PARTY_KINDS, rel_types
from credtrace.queries.owners import owners
from credtrace.queries.ownership import (
    MAX_CHAIN,
    Ownership,
    Upward,
    actual_controller,
    controllers_on,
    effective_ownership,
    upward_plan,
)

AS_OF = "2026-11-01"  # the date the generated data describe
PATH_TYPES = rel_types(None, PARTY_KINDS)
PATH_HOPS = 6  # `queries.paths.paths` default
PATH_LIMIT = 11  # what `paths` asks the store for (its limit 10, plus one to say "more")
LEGACY_TIMEOUT = 30.0  # seconds before a legacy / naive statement is cut off
BATCH = 1000  # subjects of a batch check
SECTIONS = {"check", "enterprise", "ownership", "pooled", "paths"}


def _types(names: Sequence[str]) -> str:
    """A relationship-type alternative from model names (`A|B`), for the pool queries."""
    return "|".join(f"`{MODEL.rel(n).name}`" for n in names)


# --- sampling what to ask about ----------------------------------------------------------

@dataclass
class Pools:
    """Keys to query, by purpose."""

    enterprises: list[str]
    persons: list[str]
    hub_persons: list[str]
    hub_enterprises: list[str]
    sanctioned: list[str]
    deep: list[str]
    rejoin: list[str]


#: The model's names the hand-written statements below use (`.format(**NAMES)`, f-strings).
NAMES = {"E": Label.ENTERPRISE, "P": Label.PERSON, "M": Label.MEASURE,
         "HS": Rel.HOLDS_SHARES, "IO": Rel.IMPOSED_ON, "AC": Rel.ACTUAL_CONTROLLER}
E, P, M, HS, IO = (NAMES[k] for k in ("E", "P", "M", "HS", "IO"))

NEO4J_POOLS = {
    "enterprises": f"MATCH (e:{E}) WITH e, rand() AS x ORDER BY x LIMIT $n "
                   "RETURN e.uid AS uid",
    "persons": f"MATCH (p:{P}) WITH p, rand() AS x ORDER BY x LIMIT $n RETURN p.uid AS uid",
    "hub_persons": f"MATCH (p:{P}) WITH p, COUNT {{ (p)-[:{_types(ROLE_TYPES)}]->() }} AS c "
                   "ORDER BY c DESC, p.uid LIMIT $n RETURN p.uid AS uid, c",
    "hub_enterprises": f"MATCH (e:{E}) WITH e, COUNT {{ (e)-["
                       f":{_types((*ROLE_TYPES, HS, IO))}]-() }} AS c "
                       "ORDER BY c DESC, e.uid LIMIT $n RETURN e.uid AS uid, c",
    "sanctioned": f"MATCH (:{M})-[:{IO}]->(e:{E}) WITH DISTINCT e "
                  "WITH e, rand() AS x ORDER BY x LIMIT $n RETURN e.uid AS uid",
    "deep": f"MATCH (e:{E})<-[:{HS}]-(:{E})<-[:{HS}]-(:{E}) "
            "WITH DISTINCT e WITH e, rand() AS x ORDER BY x LIMIT $n RETURN e.uid AS uid",
    # some holder reaches e along two different first steps: chains split and rejoin
    "rejoin": f"MATCH (x:{E})-[:{HS}*1..3]->(e:{E}) WITH DISTINCT x, e "
              f"MATCH (h)-[:{HS}]->(x) "
              f"MATCH (h)-[:{HS}]->(y)-[:{HS}*0..3]->(e) WHERE y <> x "
              "WITH DISTINCT e WITH e, rand() AS x ORDER BY x LIMIT $n RETURN e.uid AS uid",
}


def neo4j_pools(store: Neo4jStore, n: int, hubs: int) -> Pools:
    found: dict[str, list[str]] = {}
    for name, query in NEO4J_POOLS.items():
        started = time.perf_counter()
        rows = store.run(query, n=hubs if name.startswith("hub") else n)
        found[name] = [r["uid"] for r in rows]
        extra = f", degree {rows[0]['c']}..{rows[-1]['c']}" if rows and "c" in rows[0] else ""
        print(f"  pool {name}: {len(rows)}{extra} ({time.perf_counter() - started:.1f} s)")
    return Pools(**found)


def memory_pools(store: MemoryStore, n: int, hubs: int, rng: random.Random) -> Pools:
    """The same pools as `NEO4J_POOLS`, read through the store's primitives."""
    enterprises, persons = list(store.uids(Label.ENTERPRISE)), list(store.uids(Label.PERSON))
    kinds = {**dict.fromkeys(enterprises, Label.ENTERPRISE), **dict.fromkeys(persons, Label.PERSON)}
    roles, degree = {p: 0 for p in persons}, dict.fromkeys(enterprises, 0)
    holders: dict[str, set[str]] = {}
    sanctioned = set()
    for s, t, rel in ((e.source, e.target, e.type)
                      for rel_type in (*ROLE_TYPES, Rel.HOLDS_SHARES, Rel.IMPOSED_ON)
                      for e in store.edges(rel_type)):
        if rel in ROLE_TYPES and s in roles:
            roles[s] += 1
        if rel in (*ROLE_TYPES, Rel.HOLDS_SHARES, Rel.IMPOSED_ON):
            for end in {s, t} & degree.keys():
                degree[end] += 1
        if rel == Rel.HOLDS_SHARES:
            holders.setdefault(t, set()).add(s)
        if rel == Rel.IMPOSED_ON and kinds.get(t) == Label.ENTERPRISE:
            sanctioned.add(t)
    corporate = {e: {h for h in hs if kinds.get(h) == Label.ENTERPRISE}
                 for e, hs in holders.items()}
    deep = sorted(e for e, hs in corporate.items() if any(corporate.get(h) for h in hs))
    rejoin = sorted(e for e in corporate if _splits_and_rejoins(holders, e))

    def top(counts: dict[str, int]) -> list[str]:
        return [u for u, _ in sorted(counts.items(), key=lambda i: (-i[1], i[0]))[:hubs]]

    def some(items: Sequence[str]) -> list[str]:
        return rng.sample(list(items), min(n, len(items)))

    return Pools(some(enterprises), some(persons), top(roles), top(degree),
                 some(sorted(sanctioned)), some(deep), some(rejoin))


def _splits_and_rejoins(holders: dict[str, set[str]], uscc: str, depth: int = 4) -> bool:
    """Whether some holder reaches `uscc` through two different direct holders."""
    first: dict[str, str] = {}
    for direct in holders.get(uscc, ()):
        seen, frontier = {direct}, [direct]
        for _ in range(depth):
            frontier = [h for x in frontier for h in holders.get(x, ()) if h not in seen]
            seen.update(frontier)
        for h in seen:
            if first.setdefault(h, direct) != direct:
                return True
    return False


def path_pairs(store: Store, pools: Pools, rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Pairs linked within a few hops (random walks over party relationships) and random
    pairs (mostly without a path)."""
    pairs: list[tuple[str, str]] = []
    starts = pools.persons + pools.enterprises
    while len(pairs) < n and starts:
        here = start = rng.choice(starts)
        for _ in range(rng.randint(2, 5)):
            nxt = [e.target if e.source == here else e.source
                   for e in store.adjacent([here], PATH_TYPES, "both", AS_OF)]
            if not nxt:
                break
            here = rng.choice(sorted(nxt))
        if here != start:
            pairs.append((start, here))
    while len(pairs) < 2 * n:
        a, b = rng.choice(starts), rng.choice(starts)
        if a != b:
            pairs.append((a, b))
    return pairs


# --- timing ------------------------------------------------------------------------------

def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


class Calls:
    """Counts the store round trips: statements sent to Neo4j, primitive calls in memory."""

    def __init__(self, store: Store) -> None:
        self.count = 0
        names = (("run", "read") if isinstance(store, Neo4jStore)
                 else ("get_nodes", "adjacent", "nodes"))
        for name in names:
            self._wrap(store, name)

    def _wrap(self, store: Store, name: str) -> None:
        inner = getattr(store, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return inner(*args, **kwargs)

        setattr(store, name, counted)


@dataclass
class Bench:
    """A store, its trivial baseline call and its round-trip counter."""

    store: Store
    baseline: Callable[[], object]
    calls: Calls

    def paired(self, call: Callable[[str], object], items: Sequence[str],
               warm: bool = True) -> dict[str, float]:
        """`call` on each item alternately with the baseline (same conditions for both):
        p50/p99 in ms, each over the baseline's same percentile, and round trips per call."""
        if warm:
            for item in items:
                call(item)
        times, base = [], []
        before = self.calls.count
        for item in items:
            started = time.perf_counter()
            self.baseline()
            middle = time.perf_counter()
            call(item)
            times.append(time.perf_counter() - middle)
            base.append(middle - started)
        trips = (self.calls.count - before - len(items)) / len(items)
        return figures(times, base) | {"round_trips": round(trips, 2)}


def percentiles(name: str, times: Sequence[float], digits: int = 2) -> dict[str, float]:
    """`name`'s p50 and p99 in ms."""
    return {f"{name}_p{q}_ms": round(pct(times, q / 100) * 1e3, digits) for q in (50, 99)}


def figures(times: Sequence[float], base: Sequence[float]) -> dict[str, float]:
    p50, p99, b50, b99 = (pct(times, .5), pct(times, .99), pct(base, .5), pct(base, .99))
    return {"n": len(times), "p50_ms": round(p50 * 1e3, 2), "p99_ms": round(p99 * 1e3, 2),
            "base_p50_ms": round(b50 * 1e3, 3), "base_p99_ms": round(b99 * 1e3, 3),
            "p50_x": round(p50 / b50, 1), "p99_x": round(p99 / b99, 1),
            "p99_over_base_p50": round(p99 / b50, 1)}


def show(label: str, data: dict[str, Any]) -> None:
    print(f"{label}: {json.dumps(data, ensure_ascii=False)}", flush=True)


# --- the query set -----------------------------------------------------------------------

def _check(store: Store, key: str, *, with_risk: bool) -> object:
    return check(store, key, as_of=AS_OF, with_risk=with_risk)


def check_figures(bench: Bench, pools: Pools, batch: Sequence[str], targets: bool) -> None:
    store = bench.store
    for risk in (False, True):
        for name, keys in (("enterprise", pools.enterprises), ("person", pools.persons),
                           ("hub enterprise", pools.hub_enterprises),
                           ("hub person", pools.hub_persons)):
            data = bench.paired(partial(_check, store, with_risk=risk), keys)
            if targets and not name.startswith("hub"):
                data["target_met"] = data["p50_x"] <= 3 and data["p99_x"] <= 10
            show(f"check {name} with_risk={risk}", data)
    for risk in (False, True):
        check_batch(store, batch, as_of=AS_OF, with_risk=risk)  # warm
        walls, before = [], bench.calls.count
        for _ in range(3):
            started = time.perf_counter()
            answers = check_batch(store, batch, as_of=AS_OF, with_risk=risk)
            walls.append(time.perf_counter() - started)
        assert len(answers) == len(batch)
        show(f"check_batch {len(batch)} with_risk={risk}", {
            "wall_s": [round(w, 3) for w in walls], "round_trips": (bench.calls.count - before) / 3,
            "per_subject_ms": round(min(walls) / len(batch) * 1e3, 3),
            **({"target_met": min(walls) < 1.0} if targets else {})})


def enterprise_figures(bench: Bench, pools: Pools) -> None:
    store = bench.store
    show("accountable (sanctioned)",
         bench.paired(lambda u: accountable(store, u, as_of=AS_OF), pools.sanctioned))
    show("owners (deep chains)", bench.paired(lambda u: owners(store, u, as_of=AS_OF), pools.deep))
    show("owners (split and rejoin)",
         bench.paired(lambda u: owners(store, u, as_of=AS_OF), pools.rejoin))


def paths_figures(bench: Bench, pairs: Sequence[tuple[str, str]]) -> list[list[list[Edge]]]:
    """`Store.shortest_paths` on each pair; the answers, for comparisons."""
    store = bench.store
    answers = [store.shortest_paths(a, b, PATH_TYPES, AS_OF, PATH_HOPS, PATH_LIMIT)
               for a, b in pairs]
    for label, chosen in (("with a path", [i for i, f in enumerate(answers) if f]),
                          ("without a path", [i for i, f in enumerate(answers) if not f])):
        keys = [str(i) for i in chosen]
        if not keys:
            continue
        data = bench.paired(lambda i: store.shortest_paths(
            *pairs[int(i)], PATH_TYPES, AS_OF, PATH_HOPS, PATH_LIMIT), keys)
        lengths = sorted({len(answers[i][0]) for i in chosen if answers[i]})
        show(f"shortest_paths {label}", data | {"lengths": lengths})
    return answers


# --- Neo4j against its naive and legacy forms ----------------------------------------------

NAIVE_OWNERSHIP = """
MATCH p = (h)-[:{HS}*1..{depth}]->(e:{E} {{uid: $uid}})
WHERE all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
  AND all(r IN relationships(p) WHERE coalesce(r.direct, true)
          AND (r.end IS NULL OR r.end > $on) AND (r.start IS NULL OR r.start <= $on))
WITH h, reduce(low = 1.0, r IN relationships(p) |
               low * coalesce(r.percentage, r.pct_min, 0.0) / 100) AS low,
        reduce(high = 1.0, r IN relationships(p) |
               high * coalesce(r.percentage, r.pct_max, 100.0) / 100) AS high
RETURN h.uid AS holder, sum(low) * 100 AS low, sum(high) * 100 AS high
"""

LEGACY_PATHS = """
MATCH (a:Node {{uid: $a}}), (b:Node {{uid: $b}})
MATCH p = allShortestPaths((a)-[*..{hops}]-(b))
WHERE all(r IN relationships(p) WHERE type(r) IN $types
          AND (r.end IS NULL OR r.end > $on) AND (r.start IS NULL OR r.start <= $on))
RETURN [r IN relationships(p) | r.eid] AS eids
"""


def timed_statement(store: Neo4jStore, text: str, **params: Any) -> tuple[float, list[Any]]:
    """Wall time and records of one statement sent like `Neo4jStore.read` sends ours (an
    auto-commit read), cut off after `LEGACY_TIMEOUT` (inf)."""
    query = neo4j.Query(text, timeout=LEGACY_TIMEOUT)
    started = time.perf_counter()
    try:
        with store.driver.session(database=store.database,
                                  default_access_mode=neo4j.READ_ACCESS) as session:
            records = list(session.run(query, params))
    except neo4j.exceptions.ClientError as exc:
        if "Timeout" not in (exc.code or "") and "timeout" not in str(exc).lower():
            raise
        return math.inf, []
    return time.perf_counter() - started, [r.data() for r in records]


def prefetched_walk(store: Store, uid: str) -> dict[str, Ownership]:
    """The effective-ownership walk as `owners` runs it: over the chains read at once."""
    return effective_ownership(store.prefetch(key_forms(uid), upward_plan(())), uid, AS_OF)


def profile(store: Neo4jStore, text: str, **params: Any) -> dict[str, Any]:
    """PROFILE of one statement: total db hits and its operators (leaves first)."""
    with store.driver.session(database=store.database) as session:
        plan = session.run("PROFILE " + text, params).consume().profile
    operators: list[str] = []

    def walk(step: dict[str, Any]) -> int:
        hits = sum(walk(child) for child in step.get("children", []))
        operators.append(step["operatorType"].split("@")[0])
        return hits + int(step.get("dbHits", 0))

    hits = walk(plan or {"operatorType": "none"})
    return {"db_hits": hits, "operators": " > ".join(dict.fromkeys(operators))}


def compare_ownership(bench: Bench, rejoin: Sequence[str]) -> None:
    store = bench.store
    assert isinstance(store, Neo4jStore)
    if not rejoin:
        show("effective ownership vs naive all-paths", {"n": 0})
        return
    naive_text = NAIVE_OWNERSHIP.format(depth=MAX_CHAIN, **NAMES)
    walks: dict[str, Callable[[str], dict[str, Ownership]]] = {
        "level_walk": lambda u: effective_ownership(store, u, AS_OF),  # a round trip a level
        "prefetched_walk": partial(prefetched_walk, store)}
    times: dict[str, list[float]] = {name: [] for name in (*walks, "naive")}
    same = 0
    for uid in rejoin:
        for name, walk in walks.items():
            walk(uid)  # warm
            started = time.perf_counter()
            walked = walk(uid)
            times[name].append(time.perf_counter() - started)
        timed_statement(store, naive_text, uid=uid, on=AS_OF)
        took, rows = timed_statement(store, naive_text, uid=uid, on=AS_OF)
        times["naive"].append(took)
        mine = {h: (o.low, o.high) for h, o in walked.items() if o.paths}
        theirs = {r["holder"]: (round(r["low"], 6), round(min(r["high"], 100.0), 6))
                  for r in rows}
        same += mine.keys() == theirs.keys() and all(
            # both sides are rounded to 6 decimals: allow one unit of the last one each
            math.isclose(a, b, abs_tol=2e-6) for h in mine for a, b in zip(mine[h], theirs[h],
                                                                             strict=True))
    naive = pct(times["naive"], .5)
    show("effective ownership vs naive all-paths (split and rejoin)", {
        "n": len(rejoin), "identical_answers": f"{same}/{len(rejoin)}",
        **{f"{name}_p{q}_ms": round(pct(t, q / 100) * 1e3, 2)
           for name, t in times.items() for q in (50, 99)},
        **{f"speedup_p50_{name}": round(naive / pct(times[name], .5), 1) for name in walks},
        "target_met": naive / pct(times["prefetched_walk"], .5) >= 10})
    uid = rejoin[0]
    hop = upward_plan(())
    show("  PROFILE naive", profile(store, naive_text, uid=uid, on=AS_OF))
    show("  PROFILE prefetch (gather)", profile(
        store, gather_statement(plan_key(hop)), uids=key_forms(uid)))


def compare_paths(bench: Bench, pairs: Sequence[tuple[str, str]],
                  answers: Sequence[list[list[Edge]]]) -> None:
    store = bench.store
    assert isinstance(store, Neo4jStore)
    text = LEGACY_PATHS.format(hops=PATH_HOPS)
    for label, linked in (("with a path", True), ("without a path", False)):
        chosen = [i for i, found in enumerate(answers) if bool(found) == linked]
        if not chosen:
            continue
        ours, legacy, agree, timeouts = [], [], 0, 0
        for i in chosen:
            a, b = pairs[i]
            store.shortest_paths(a, b, PATH_TYPES, AS_OF, PATH_HOPS, PATH_LIMIT)
            started = time.perf_counter()
            store.shortest_paths(a, b, PATH_TYPES, AS_OF, PATH_HOPS, PATH_LIMIT)
            ours.append(time.perf_counter() - started)
            took, rows = timed_statement(store, text, a=a, b=b, types=PATH_TYPES, on=AS_OF)
            legacy.append(took)
            timeouts += took == math.inf
            mine = {tuple(e.eid for e in p) for p in answers[i]}
            theirs = {tuple(r["eids"]) for r in rows}
            agree += (mine == theirs if len(mine) < PATH_LIMIT
                      else {len(p) for p in theirs} == {len(p) for p in mine})
        a, b = pairs[chosen[0]]
        show(f"  PROFILE ours, {label}", profile(
            store, SHORTEST_PATHS[PATH_HOPS], a=a, b=b, types=PATH_TYPES, on=AS_OF,
            limit=PATH_LIMIT))
        show(f"  PROFILE legacy, {label}", profile(store, text, a=a, b=b, types=PATH_TYPES,
                                                    on=AS_OF))
        show(f"shortest_paths vs legacy allShortestPaths + post-filter, {label}", {
            "n": len(chosen), "same_answers": f"{agree}/{len(chosen)}",
            f"legacy_timeouts_over_{LEGACY_TIMEOUT:.0f}s": timeouts,
            "ours_p50_ms": round(pct(ours, .5) * 1e3, 2),
            "ours_p99_ms": round(pct(ours, .99) * 1e3, 2),
            "legacy_p50_ms": round(pct(legacy, .5) * 1e3, 2),
            "legacy_p99_ms": round(pct(legacy, .99) * 1e3, 2),
            "speedup_p50": round(pct(legacy, .5) / pct(ours, .5), 1),
            "target_met": pct(legacy, .5) / pct(ours, .5) >= 10})


def compare_networkx(neo: Store, memory: MemoryStore, pairs: Sequence[tuple[str, str]],
                     answers: Sequence[list[list[Edge]]]) -> None:
    """The same pairs on the memory store (generic bidirectional BFS over networkx)."""
    ours, theirs, same = [], [], 0
    for (a, b), found in zip(pairs, answers, strict=True):
        started = time.perf_counter()
        neo.shortest_paths(a, b, PATH_TYPES, AS_OF, PATH_HOPS, PATH_LIMIT)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        local = memory.shortest_paths(a, b, PATH_TYPES, AS_OF, PATH_HOPS, PATH_LIMIT)
        theirs.append(time.perf_counter() - started)
        same += [[e.eid for e in p] for p in local] == [[e.eid for e in p] for p in found]
    show("shortest_paths neo4j vs memory store (networkx) in-process", {
        "n": len(pairs), "identical_answers": f"{same}/{len(pairs)}",
        **percentiles("neo4j", ours), **percentiles("networkx", theirs, 3),
        "neo4j_over_networkx_p50": round(pct(ours, .5) / pct(theirs, .5), 1)})


# --- runs --------------------------------------------------------------------------------

def load_memory(bundle: Path) -> MemoryStore:
    store = MemoryStore()
    started = time.perf_counter()
    report = ingest_bundle(store, bundle, rejects_path=Path(tempfile.mkdtemp()) / "rejects.csv")
    show(f"memory store loaded from {bundle}", {
        "status": report.status, "wall_s": round(time.perf_counter() - started, 1),
        **store.counts(),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024})
    return store


# Where pooled control matters: enterprises with corporate holders (two or more; for the
# sanctioned ones, one or more: their holders' holders may pool).
POOLED_POOL = """
MATCH (e:{E})<-[r:{HS}]-(:{E})
WHERE (r.end IS NULL OR r.end > $on) AND (r.start IS NULL OR r.start <= $on)
WITH e, count(r) AS parents WHERE parents >= $parents {sanctioned}
WITH e, rand() AS x ORDER BY x LIMIT $n RETURN e.uid AS uid
"""
#: The naive form of the control question: every path of holdings and declarations into
#: the enterprise, valid on the date, in one statement; the same rule then decides.
NAIVE_UPWARD = """
MATCH p = ()-[:{HS}|{AC}*1..{depth}]->(e:{E} {{uid: $uid}})
WHERE all(r IN relationships(p) WHERE coalesce(r.direct, true)
          AND (r.end IS NULL OR r.end > $on) AND (r.start IS NULL OR r.start <= $on))
UNWIND relationships(p) AS r
WITH DISTINCT r
RETURN type(r) AS type, startNode(r).uid AS source, endNode(r).uid AS target,
       properties(r) AS props
"""


def naive_controllers(store: Neo4jStore, uid: str) -> tuple[float, set[tuple[str, str]]]:
    """Wall time and (controller, status) pairs by the naive all-paths read."""
    started = time.perf_counter()
    took, rows = timed_statement(store, NAIVE_UPWARD.format(depth=MAX_CHAIN, **NAMES), uid=uid,
                                 on=AS_OF)
    edges = sorted((Edge(r["type"], r["source"], r["target"], r["props"]["eid"], r["props"])
                    for r in rows), key=lambda e: (e.target, e.source, e.eid))
    nodes = store.get_nodes({uid, *(e.source for e in edges), *(e.target for e in edges)})
    answer = controllers_on(Upward(uid, edges, nodes), AS_OF)
    wall = time.perf_counter() - started if took != math.inf else math.inf
    return wall, {(c.party.uid, str(c.status)) for c in answer.candidates}


def compare_pooled(bench: Bench, n: int) -> None:
    """`owners`, `accountable` and the control answer where pooled control matters, against
    the naive all-paths read with the same rule: same candidates, speed ratio."""
    store = bench.store
    assert isinstance(store, Neo4jStore)
    for label, parents, extra in (
            ("multi-parent", 2, ""),
            ("corporate-held, sanctioned", 1, f"AND EXISTS {{ (:{M})-[:{IO}]->(e) }}")):
        pool = [r["uid"] for r in store.run(POOLED_POOL.format(sanctioned=extra, **NAMES), n=n,
                                            on=AS_OF, parents=parents)]
        if not pool:
            show(f"pooled control ({label})", {"n": 0})
            continue
        same, ours, naive = 0, [], []
        for uid in pool:
            actual_controller(store, uid, AS_OF)  # warm
            started = time.perf_counter()
            answer = actual_controller(store, uid, AS_OF)
            ours.append(time.perf_counter() - started)
            naive_controllers(store, uid)  # warm
            took, theirs = naive_controllers(store, uid)
            naive.append(took)
            same += theirs == {(c.party.uid, str(c.status)) for c in answer.candidates}
        show(f"actual controller vs naive all-paths ({label})", {
            "n": len(pool), "identical_answers": f"{same}/{len(pool)}",
            **percentiles("ours", ours), **percentiles("naive", naive),
            "speedup_p50": round(pct(naive, .5) / pct(ours, .5), 1)})
        show(f"owners ({label})",
             bench.paired(lambda u: owners(store, u, as_of=AS_OF), pool))
        if extra:
            show(f"accountable ({label})",
                 bench.paired(lambda u: accountable(store, u, as_of=AS_OF), pool))


def run_neo4j(args: argparse.Namespace, rng: random.Random) -> None:
    settings = Settings()
    if not settings.neo4j_uri:
        sys.exit("set NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD (or pass --skip-neo4j)")
    store = open_store(settings.neo4j_uri, settings)
    assert isinstance(store, Neo4jStore)
    print(f"machine: {os.cpu_count()} cores; neo4j: {settings.neo4j_uri}; "
          f"as of {AS_OF}; {json.dumps(store.run(f'MATCH (e:{E}) RETURN count(e) AS n')[0])}"
          " enterprises")
    pools = neo4j_pools(store, max(args.samples, BATCH // 2), args.hubs)
    bench = Bench(store, store.ping, Calls(store))
    ping = bench.paired(lambda _: None, ["x"] * 500)
    show("baseline RETURN 1", {k: ping[k] for k in ("base_p50_ms", "base_p99_ms")})
    run_sections(bench, pools, args, rng, targets=True)
    store.close()


def run_sections(bench: Bench, pools: Pools, args: argparse.Namespace, rng: random.Random,
                 targets: bool) -> None:
    """The query set on `bench`'s store; the Neo4j-only comparisons where it is Neo4j."""
    sections = set(args.only.split(",")) if args.only else SECTIONS
    batch = rng.sample(pools.enterprises + pools.persons,
                       min(BATCH, len(pools.enterprises + pools.persons)))
    pools.enterprises, pools.persons = (pools.enterprises[:args.samples],
                                        pools.persons[:args.samples])
    if "check" in sections:
        check_figures(bench, pools, batch, targets)
    if "enterprise" in sections:
        enterprise_figures(bench, pools)
    neo4j = isinstance(bench.store, Neo4jStore)
    if "ownership" in sections and neo4j:
        compare_ownership(bench, pools.rejoin[:args.rejoin])
    if "pooled" in sections and neo4j:
        compare_pooled(bench, args.rejoin)
    if "paths" in sections:
        pairs = path_pairs(bench.store, pools, rng, args.pairs)
        answers = paths_figures(bench, pairs)
        if neo4j:
            compare_paths(bench, pairs, answers)
        if neo4j and args.bundle:
            compare_networkx(bench.store, load_memory(args.bundle), pairs, answers)


def run_memory(args: argparse.Namespace, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "bundle"
        started = time.perf_counter()
        generate_bundle(bundle, args.memory, args.seed)
        print(f"generated {args.memory:,} enterprises in {time.perf_counter() - started:.1f} s")
        store = load_memory(bundle)
    pools = memory_pools(store, max(args.samples, BATCH // 2), args.hubs, rng)
    probe = pools.enterprises[0]
    bench = Bench(store, lambda: store.get_nodes([probe]), Calls(store))
    print(f"memory store, {args.memory:,} enterprises; baseline: get_nodes of one key; "
          f"networkx {nx.__version__}")
    run_sections(bench, pools, args, rng, targets=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300, help="subjects per pool")
    parser.add_argument("--hubs", type=int, default=20, help="hub subjects per kind")
    parser.add_argument("--pairs", type=int, default=100, help="path pairs of each sort")
    parser.add_argument("--rejoin", type=int, default=100,
                        help="enterprises for the naive ownership comparison")
    parser.add_argument("--bundle", type=Path,
                        help="the bundle the Neo4j graph holds: compare paths with networkx")
    parser.add_argument("--memory", type=int, default=0,
                        help="also run the query set on the memory store at N enterprises")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", help=f"comma-separated sections of {sorted(SECTIONS)}")
    parser.add_argument("--skip-neo4j", action="store_true")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # unused-property notes
    rng = random.Random(args.seed)
    if not args.skip_neo4j:
        run_neo4j(args, rng)
    if args.memory:
        run_memory(args, rng)


if __name__ == "__main__":
    main()

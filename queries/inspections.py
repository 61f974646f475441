"""双随机、一公开: enterprises drawn at random per grade, inspectors drawn at random for each,
never an inspector related to the enterprise in the graph; anyone can redraw and verify.

The draw uses no random number generator. The seed is the SHA-256 of the plan, the
published value (e.g. a lottery result announced after the plan) and the evaluation run's
content hash; an enterprise's lot is SHA-256(seed ‖ USCC), and within each grade the
`ceil(rate × population)` smallest lots are drawn (the product rounded to 9 decimals).
For a drawn enterprise, inspectors are taken in the order of SHA-256(seed ‖ USCC ‖
inspector id), skipping each one whose person is within `hops` of the enterprise over
roles, shareholdings and family links on the draw date (the reason is listed). So the
sample follows from public inputs alone, in any language, and memory holds only the sample.

>>> from credtrace.graph.memory import MemoryStore
>>> plan = Plan(name="test", as_of="2024-03-01", published_value="0815",
...             rates={"A": 0.5, "B": 1.0}, inspectors_per_enterprise=1)
>>> grades = [{"uscc": "X1", "name": "甲", "grade": "A"}, {"uscc": "X2", "name": "乙",
...           "grade": "A"}, {"uscc": "X3", "name": "丙", "grade": "B"}]
>>> drawn = draw(MemoryStore(), plan, grades, [Inspector("I1", "张检", None)], "h")
>>> [(d["grade"], len(d["inspectors"])) for d in drawn["sample"]]
[('A', 1), ('B', 1)]
>>> drawn["content_hash"] == draw(MemoryStore(), plan, grades,
...                               [Inspector("I1", "张检", None)], "h")["content_hash"]
True
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL
from credtrace.graph.store import Reader
from credtrace.queries.common import InvalidInput, as_of_date
from credtrace.queries.network import bounded, explore

#: Relationship categories along which an inspector counts as related.
RELATION_CATEGORIES = ("role", "shareholding", "family")
GRADES = "ABCD"


@dataclass(frozen=True)
class Inspector:
    """An inspector: their id in the list, name, and person key in the graph (if any)."""

    id: str
    name: str
    person: str | None


@dataclass(frozen=True)
class Plan:
    """A draw plan (data): the rate per grade, inspectors per enterprise, the draw date,
    the published value the seed comes from, and how far a relation is looked for."""

    name: str
    as_of: str
    published_value: str
    rates: dict[str, float]
    inspectors_per_enterprise: int = 2
    hops: int = 2
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> Plan:
        """A plan from its JSON, every field checked (`InvalidInput` names the field;
        `hops` at most `limits.max_hops`)."""
        for name in ("name", "as_of", "published_value", "rates"):
            if not data.get(name):
                raise InvalidInput(f"plan: {name} is missing")
        rates = data["rates"]
        if not isinstance(rates, dict) or set(rates) - set(GRADES):
            raise InvalidInput(f"plan: rates must map grades {', '.join(GRADES)} to shares")
        for grade, rate in rates.items():
            if not isinstance(rate, int | float) or not 0 <= rate <= 1:
                raise InvalidInput(f"plan: rates.{grade} must be between 0 and 1, got {rate!r}")
        per = data.get("inspectors_per_enterprise", 2)
        hops = data.get("hops", 2)
        if not isinstance(per, int) or per < 1:
            raise InvalidInput("plan: inspectors_per_enterprise must be a positive integer")
        if not isinstance(hops, int):
            raise InvalidInput("plan: hops must be an integer")
        known = {"name", "as_of", "published_value", "rates", "inspectors_per_enterprise",
                 "hops"}
        return cls(name=str(data["name"]), as_of=as_of_date(str(data["as_of"])),
                   published_value=str(data["published_value"]),
                   rates={g: float(rates[g]) for g in sorted(rates)},
                   inspectors_per_enterprise=per,
                   hops=bounded("hops", hops, 1, limits.max_hops),
                   extra={k: v for k, v in data.items() if k not in known})


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def seed_of(plan: Plan, evaluation_hash: str) -> str:
    """The draw's seed: SHA-256 of the plan, its published value and the evaluation hash."""
    return _sha("credtrace-draw-v1", canonical(asdict(plan)), plan.published_value,
                evaluation_hash)


def _related(store: Reader, inspectors: list[Inspector], plan: Plan,
             limits: Limits) -> dict[str, set[str]]:
    """Per inspector with a person in the graph, the enterprises within `hops` of them,
    or (walk cut at `limits.max_results` nodes) None, meaning "check each pair"."""
    types = [r.name for r in MODEL.rels if r.category in RELATION_CATEGORIES]
    known = store.kinds(i.person for i in inspectors if i.person)
    near: dict[str, set[str]] = {}
    for inspector in inspectors:
        if inspector.person and inspector.person in known:
            found = explore(store, inspector.person, types, plan.as_of, plan.hops,
                            limits.max_results)
            near[inspector.id] = set(found.walk.dist)
            if not found.complete:  # a hub: also look for a path to each drawn enterprise
                near[inspector.id].add("*")
    return near


def _is_related(store: Reader, inspector: Inspector, uscc: str, near: set[str],
                plan: Plan) -> bool:
    if uscc in near:
        return True
    if "*" not in near or inspector.person is None:
        return False
    types = [r.name for r in MODEL.rels if r.category in RELATION_CATEGORIES]
    return bool(store.shortest_paths(inspector.person, uscc, types, plan.as_of, plan.hops, 1))


def _ordered(seed: str, uscc: str, inspectors: list[Inspector],
             ids: list[bytes]) -> list[Inspector]:
    """The inspectors in the order of SHA-256(seed ‖ USCC ‖ inspector id) for one
    enterprise (`ids`: their ids encoded). The common prefix is hashed once and each id
    added to a copy; raw digests sort as their hex forms do.

    >>> people = [Inspector(f"I{n}", "", None) for n in range(5)]
    >>> mine = _ordered("s", "X", people, [p.id.encode() for p in people])
    >>> mine == sorted(people, key=lambda i: _sha("s", "X", i.id))
    True
    """
    prefix = hashlib.sha256(f"{seed}\x1f{uscc}\x1f".encode())
    digests = []
    for ident in ids:
        one = prefix.copy()
        one.update(ident)
        digests.append(one.digest())
    return [inspectors[i] for i in sorted(range(len(ids)), key=digests.__getitem__)]


def draw(store: Reader, plan: Plan, grades: Iterable[Mapping[str, Any]],
         inspectors: list[Inspector], evaluation_hash: str,
         limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The draw: the sample per grade with its inspectors, the seed and a content hash.

    `grades` is an evaluation run's rows (uscc, name, grade), streamed; `evaluation_hash`
    its content hash (part of the seed); `limits` bound the walks (not the answer)."""
    if len({i.id for i in inspectors}) != len(inspectors):
        raise InvalidInput("inspector ids must be unique")
    seed = seed_of(plan, evaluation_hash)
    population: Counter[str] = Counter()
    lots: dict[str, list[tuple[str, str, str]]] = {g: [] for g in plan.rates}
    for row in grades:
        grade = row["grade"]
        population[grade] += 1
        if grade in lots:
            lots[grade].append((_sha(seed, row["uscc"]), row["uscc"], row["name"]))
    near = _related(store, inspectors, plan, limits)
    ids = [i.id.encode() for i in inspectors]
    sample = []
    for grade in sorted(lots):
        # rounded first: 0.1 × 30 is 3.0000000000000004 in floating point, and draws 3
        quota = math.ceil(round(plan.rates[grade] * population[grade], 9))
        for lot, uscc, name in heapq.nsmallest(quota, lots[grade]):
            order = _ordered(seed, uscc, inspectors, ids)
            chosen: list[dict[str, str]] = []
            excluded: list[dict[str, str]] = []
            for inspector in order:
                if len(chosen) == plan.inspectors_per_enterprise:
                    break
                if _is_related(store, inspector, uscc, near.get(inspector.id, set()), plan):
                    excluded.append({"id": inspector.id, "name": inspector.name,
                                     "reason": f"related within {plan.hops} hops"})
                else:
                    chosen.append({"id": inspector.id, "name": inspector.name})
            entry = {"uscc": uscc, "name": name, "grade": grade, "lot": lot,
                     "inspectors": chosen, "excluded": excluded}
            if len(chosen) < plan.inspectors_per_enterprise:
                entry["short"] = (f"only {len(chosen)} unrelated inspector(s) for "
                                  f"{plan.inspectors_per_enterprise} places")
            sample.append(entry)
    body = {"plan": asdict(plan), "evaluation_hash": evaluation_hash, "seed": seed,
            "population": dict(sorted(population.items())),
            "drawn": dict(sorted(Counter(e["grade"] for e in sample).items())),
            "sample": sample}
    return {**body, "content_hash": hashlib.sha256(canonical(body).encode()).hexdigest()}


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

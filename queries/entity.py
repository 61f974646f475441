"""Finding a party and describing it: `search` by name or code, `entity` for one party.

`search` matches a part of a name (Chinese text as typed: ``华信`` finds 郑州华信商贸有限公司)
or the start of a key (USCC or ID number, any case). Exact key matches come first, then key
prefixes, then names by where the text occurs in them.

`entity` is everything recorded about one enterprise or person on an as-of date: its
declared properties, its roles in both directions (the roles it holds, the roles held in
it), its shareholdings in both directions, the measures imposed on it with their state on
the date and their due-process events, its provenance and a summary of its versions
(nothing is deleted by a correction: each earlier version is kept, with the run that
wrote it). Relationships of every date are listed, each with its validity on the date.
Personal data is in the answer; masking is the caller's job (`queries.privacy`).

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> [r["name"] for r in search(store, "华信")["results"]]
['郑州华信商贸有限公司', '郑州华信控股有限公司', '郑州新华信贸易有限公司']
>>> answer = entity(store, "914101057123456728", as_of="2024-01-01")
>>> [(r["holder"]["name"], r["role"], r["validity"]) for r in answer["roles"]][:2]
[('李娜', 'legal_representative', 'yes'), ('王芳', 'director', 'yes')]
>>> [(m["id"], m["state"]["status"]) for m in answer["measures"]]
[('ZZ-2021-JP-0001', 'active')]
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, cast

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL, PARTIES, PROVENANCE, ROLE_TYPES, Label, Rel
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader, history_of, public_props
from credtrace.graph.timeline import Validity, uncertainty_reason, validity
from credtrace.queries.accountability import measure_step
from credtrace.queries.common import (
    InvalidInput,
    Json,
    Party,
    as_of_date,
    catalogue,
    kind_of,
    party,
    provenance,
    require_resolved,
)
from credtrace.queries.measures import events_of, state
from credtrace.queries.network import bounded
from credtrace.queries.ownership import share_bounds

#: Roles in the model's order (legal representative first).
ROLE_RANK = {rel.role: i for i, rel in enumerate(MODEL.rels) if rel.role}
#: Longest search text accepted.
MAX_QUERY = 100
_VALIDITY_ORDER = {Validity.YES: 0, Validity.UNCERTAIN: 1, Validity.NO: 2}


def _match(node: Node, text: str) -> tuple[int, int, str]:
    """Rank of a hit: exact key, key prefix, then names by where the text occurs."""
    upper = text.upper()
    if node.uid in (text, upper):
        return 0, 0, "key"
    if node.uid.startswith((text, upper)):
        return 1, 0, "key"
    return 2, node.name.find(text), "name"


class SearchHit(Party):
    """A search hit: the party, the facts that tell namesakes apart, what matched."""

    enterprise_kind: NotRequired[str | None]
    status: NotRequired[str | None]
    established: NotRequired[str | None]
    id_type: NotRequired[str | None]
    match: Literal["key", "name"]


class SearchAnswer(TypedDict):
    """Parties whose name contains the text or whose key starts with it."""

    query: str
    count: int
    results: list[SearchHit]


class History(TypedDict):
    count: int
    versions: list[Json]


class EntityAnswer(Party):
    """One enterprise or person: properties, roles and shareholdings (both directions),
    measures with their state on the date, provenance and versions."""

    resolved_from: str | None
    as_of: str
    properties: Json
    roles: list[Json]
    shareholdings: list[Json]
    measures: list[Json]
    provenance: Json
    history: History


def _summary(node: Node) -> dict[str, Any]:
    """A search hit: the party and the facts that tell namesakes apart."""
    facts = ("kind", "status", "established") if node.kind == Label.ENTERPRISE else ("id_type",)
    extra = {("enterprise_kind" if f == "kind" else f): node.props.get(f) for f in facts}
    return {**party(node), **extra}


def search(store: Reader, q: str, *, limit: int = 20,
           limits: Limits = DEFAULT_LIMITS) -> SearchAnswer:
    """Enterprises and persons whose name contains `q` or whose key starts with it.

    >>> from credtrace.graph.memory import MemoryStore
    >>> search(MemoryStore(), " ")
    Traceback (most recent call last):
    credtrace.queries.common.InvalidInput: the search text is empty
    """
    text = q.strip()
    if not text:
        raise InvalidInput("the search text is empty")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"the search text is longer than {MAX_QUERY} characters")
    limit = bounded("limit", limit, 1, limits.max_results)
    ranked = sorted((_match(n, text), n.uid, n) for n in store.search(text, limit))
    return {
        "query": text, "count": len(ranked),
        "results": [cast(SearchHit, {**_summary(n), "match": how})
                    for (_, _, how), _, n in ranked],
    }


def _validity(edge: Edge, on: str) -> dict[str, Any]:
    valid = validity(edge.start, edge.end, on)
    entry: dict[str, Any] = {"start": edge.start, "end": edge.end, "validity": valid.value}
    if valid is Validity.UNCERTAIN:
        entry["reason"] = uncertainty_reason(edge.start, edge.end, on)
    return entry


def _relationship(edge: Edge, nodes: dict[str, Node], on: str) -> dict[str, Any]:
    """A role or shareholding with both ends, its validity on `on` and its provenance."""
    entry: dict[str, Any] = {"holder": party(nodes[edge.source]),
                             "enterprise": party(nodes[edge.target])}
    rel = MODEL.rel(edge.type)
    if rel.role:
        entry.update(role=rel.role, label_zh=rel.label_zh)
    else:
        low, high = share_bounds(edge)
        entry.update(percentage=edge.props.get("percentage"),
                     range=None if low == high else [low, high],
                     direct=edge.props.get("direct"))
    entry.update(_validity(edge, on), provenance=provenance(edge.props),
                 versions=len(history_of(edge.props)) + 1)
    return entry


def _order(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (_VALIDITY_ORDER[Validity(entry["validity"])],
            ROLE_RANK.get(entry.get("role") or "", -1),
            entry["enterprise"]["id"], entry["holder"]["id"], entry["start"] or "")


def versions(props: dict[str, Any]) -> History:
    """How many versions a record has had, and which fields each later version changed.

    >>> import json
    >>> snap = lambda status, run: json.dumps({"status": status, "run_id": run})
    >>> versions({"status": "repaired", "run_id": "r2", "history": [snap("active", "r1")]})
    {'count': 2, 'versions': [{'version': 1, 'run_id': 'r1', 'changed': []}, \
{'version': 2, 'run_id': 'r2', 'changed': ['status']}]}
    """
    snapshots = [*history_of(props), public_props(props)]
    result: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for number, snap in enumerate(snapshots, start=1):
        content = {k: v for k, v in snap.items() if k not in PROVENANCE}
        changed = [] if previous is None else sorted(
            k for k in content.keys() | previous.keys() if content.get(k) != previous.get(k))
        result.append({"version": number, **provenance(snap), "changed": changed})
        previous = content
    return {"count": len(result), "versions": result}


def entity(store: Reader, id: str, *, as_of: str | None = None) -> EntityAnswer:
    """The enterprise or person `id` with its roles, shareholdings and measures on `as_of`.

    >>> from credtrace.graph.memory import MemoryStore
    >>> entity(MemoryStore(), "nobody")
    Traceback (most recent call last):
    credtrace.queries.common.EntityNotFound: no enterprise or person with key 'nobody'
    """
    day = as_of_date(as_of)
    node, resolved_from = require_resolved(store, id, *PARTIES)
    edges = store.adjacent([node.uid], [*ROLE_TYPES, Rel.HOLDS_SHARES, Rel.IMPOSED_ON], "both")
    nodes = {node.uid: node, **store.get_nodes({e.other(node.uid) for e in edges})}
    links = [_relationship(e, nodes, day) for e in edges if e.type != Rel.IMPOSED_ON]
    measures = sorted((nodes[e.source] for e in edges if e.type == Rel.IMPOSED_ON),
                      key=lambda m: m.uid)
    events = events_of(store, [m.uid for m in measures])
    kinds = catalogue(store) if measures else {}
    described = []
    for measure in measures:
        kind = kind_of(kinds, measure)
        step = measure_step(measure, kind)
        del step["step"]
        now = state(measure.props, events[measure.uid], day, kind)
        described.append({**step, "recorded_status": measure.props.get("status"),
                          "state": now.as_dict(), "events": events[measure.uid]})
    declared = MODEL.node(node.kind).prop_names
    return {
        **party(node), "resolved_from": resolved_from, "as_of": day,
        "properties": {k: node.props[k] for k in declared if node.props.get(k) is not None},
        "roles": sorted((x for x in links if "role" in x), key=_order),
        "shareholdings": sorted((x for x in links if "role" not in x), key=_order),
        "measures": described,
        "provenance": provenance(node.props),
        "history": versions(node.props),
    }

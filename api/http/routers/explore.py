"""Exploration for investigators and analysts: search, one party, related parties, paths
between two parties, and the neighbourhood as nodes and edges."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from credtrace.api.http.deps import CallerDep, ReadStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.examples import answer_example
from credtrace.api.http.params import (
    AsOf,
    From,
    Hops,
    Kinds,
    Limit,
    MaxNodes,
    PartyId,
    PathHops,
    To,
    iso,
)
from credtrace.api.http.subjects import by_name_only
from credtrace.api.roles import Scope
from credtrace.queries.entity import MAX_QUERY, EntityAnswer, SearchAnswer, entity, search
from credtrace.queries.network import GraphAnswer, neighbourhood
from credtrace.queries.paths import PathsAnswer, paths
from credtrace.queries.related import RelatedAnswer, related

router = APIRouter(prefix="/v1", tags=["explore"], dependencies=[require(Scope.EXPLORE)],
                   responses=responses(401, 403, 422, 429, 503))


@router.get("/search", response_model=SearchAnswer, responses=answer_example("search"),
            summary="Find parties by name or code")
def get_search(
    caller: CallerDep, store: ReadStore,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY,
                            description="part of a name (Chinese as typed) or the start of "
                                        "a USCC or ID number", examples=["华信"])],
    limit: Limit = 20,
) -> Any:
    """Enterprises and persons whose name contains `q` or whose key starts with it; for
    roles that see ID numbers masked, persons by name or by the exact token an answer gave
    them (no key-prefix oracle)."""
    caller.audit(f"search:{q}")
    key = caller.resolve(q)
    found = search(store, key, limit=limit, limits=caller.limits)
    if not caller.policy.reveal_ids:
        found = by_name_only(found, exact=key if key != q else None)
        found["query"] = q.strip()  # a token as given, never the key it stands for
    return caller.answer(found)


@router.get("/entities/{id}", response_model=EntityAnswer,
            responses=responses(404) | answer_example("entity"),
            summary="One enterprise or person")
def get_entity(caller: CallerDep, store: ReadStore, id: PartyId, as_of: AsOf = None) -> Any:
    """Properties, roles and shareholdings in both directions, measures with their state
    on the date, provenance and version history."""
    caller.audit(id)
    store, (id,) = caller.addressed(store, id)
    return caller.answer(entity(store, id, as_of=iso(as_of)))


@router.get("/related/{id}", response_model=RelatedAnswer,
            responses=responses(404) | answer_example("related"),
            summary="Related parties within hops (R5)")
def get_related(caller: CallerDep, store: ReadStore, id: PartyId, as_of: AsOf = None,
                hops: Hops = 2, kinds: Kinds = None, limit: Limit = 200) -> Any:
    """Parties within `hops` on the date and how each is related; suspected relations
    (shared address, phone, e-mail) listed apart."""
    caller.audit(id)
    store, (id,) = caller.addressed(store, id)
    return caller.answer(related(store, id, hops=hops, kinds=kinds, as_of=iso(as_of),
                                 limit=limit, limits=caller.limits))


@router.get("/paths", response_model=PathsAnswer,
            responses=responses(404) | answer_example("paths"),
            summary="Shortest paths between two parties")
def get_paths(
    caller: CallerDep, store: ReadStore, from_: From, to: To, as_of: AsOf = None,
    kinds: Kinds = None, max_hops: PathHops = 6,
    limit: Annotated[int, Query(ge=1, le=1000, description="most paths")] = 10,
) -> Any:
    """Every shortest path (at most `limit`) between `from` and `to` on the date; no path
    within `max_hops` is an empty answer, not an error."""
    caller.audit(from_, to)
    store, (from_, to) = caller.addressed(store, from_, to)
    return caller.answer(paths(store, from_, to, as_of=iso(as_of), kinds=kinds,
                               max_hops=max_hops, limit=limit, limits=caller.limits))


@router.get("/graph/{id}", response_model=GraphAnswer,
            responses=responses(404) | answer_example("graph"),
            summary="The neighbourhood as nodes and edges")
def get_graph(caller: CallerDep, store: ReadStore, id: PartyId, as_of: AsOf = None,
              hops: Hops = 1, kinds: Kinds = None,
              max_nodes: MaxNodes = 500) -> Any:
    """Every node within `hops` of `id` valid (or uncertain) on the date, with the edges
    between them; above `max_nodes` the nearest are kept and the rest counted."""
    caller.audit(id)
    store, (id,) = caller.addressed(store, id)
    sub = neighbourhood(store, id, hops=hops, kinds=kinds, as_of=iso(as_of),
                        max_nodes=max_nodes, limits=caller.limits)
    return caller.answer(sub.as_dict())

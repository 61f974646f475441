"""Pieces every query shares: the as-of date, the measure catalogue, summaries, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.identifiers import identifier_key
from graph.model import PROVENANCE
from graph.personal import mask_id
from graph.records import Edge, Node
from graph.store import Store


class QueryError(ValueError):
    """A query cannot be answered as asked."""

    status = 422


class EntityNotFound(QueryError):
    """No enterprise, person or measure has this key."""

    status = 404


class InvalidInput(QueryError):
    """A parameter is malformed (a date, a depth beyond the limit, ...)."""

    status = 422


def as_of_date(value: str | date | None) -> str:
    """The as-of date as ISO text; default today.

    >>> as_of_date("2022-01-01")
    '2022-01-01'
    """
    if value is None:
        return date.today().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"as_of {value!r} is not an ISO date YYYY-MM-DD") from None


def provenance(props: dict[str, Any]) -> dict[str, Any]:
    """The provenance part of a node's or relationship's properties."""
    return {name: props.get(name) for name in PROVENANCE if props.get(name) is not None}


def party(node: Node) -> dict[str, Any]:
    """A short description of an enterprise or person for answers."""
    return {"id": node.uid, "kind": node.kind, "name": node.name}


def interval(edge: Edge) -> dict[str, str | None]:
    return {"start": edge.start, "end": edge.end}


@dataclass(frozen=True)
class MeasureKind:
    """One catalogue entry (domain.md §5)."""

    kind: str
    name_zh: str
    reaches_persons: bool
    roles: tuple[str, ...]
    scenarios: tuple[str, ...]
    forbids_roles: tuple[str, ...]
    severity: int


def catalogue(store: Store) -> dict[str, MeasureKind]:
    """The measure-kind catalogue as loaded into the store."""
    return {
        n.uid: MeasureKind(
            n.uid, n.props.get("name_zh") or n.uid, bool(n.props.get("reaches_persons")),
            tuple(n.props.get("roles") or ()), tuple(n.props.get("scenarios") or ()),
            tuple(n.props.get("forbids_roles") or ()), int(n.props.get("severity") or 1),
        )
        for n in store.nodes("MeasureKind")
    }


def key_forms(uid: str) -> list[str]:
    """The keys an id given by a user may stand for: upper-cased first, then as given.

    >>> key_forms(" 91410102812345696n ")
    ['91410102812345696N', '91410102812345696n']
    """
    return list(dict.fromkeys((uid.strip().upper(), uid.strip())))


class AmbiguousIdentifier(QueryError):
    """An identifier several parties share: the candidates are listed, none is picked (a
    person's key is personal data: masked here, whoever asks)."""

    status = 409

    def __init__(self, given: str, candidates: list[dict[str, Any]]) -> None:
        ids = ", ".join(f"{c['id']} ({c['name']})" for c in candidates)
        super().__init__(f"{given!r} identifies {len(candidates)} parties: {ids}")
        self.candidates = candidates


def resolve(store: Store, given: str, *kinds: str) -> tuple[Node | None, str | None]:
    """The node an id given by a user stands for, of one of `kinds`, and the identifier it
    was resolved from (None when `given` is the node's own key): credtrace's key, else any
    identifier its sources gave it (source id, merged id, registration, tax or passport
    number, LEI, the organisation code inside a USCC). (None, None) when nothing matches;
    `AmbiguousIdentifier` when several parties share it."""
    node = next(filter(None, map(store.get_node, key_forms(given))), None)
    if node is not None and (not kinds or node.kind in kinds):
        return node, None
    edges = store.adjacent([identifier_key(given)], ["HAS_IDENTIFIER"], "in")
    parties = [n for n in store.get_nodes(e.source for e in edges).values()
               if not kinds or n.kind in kinds]
    if len(parties) > 1:
        raise AmbiguousIdentifier(given, [
            {**party(n), "id": mask_id(n.uid) if n.kind == "Person" else n.uid}
            for n in sorted(parties, key=lambda n: n.uid)])
    return (parties[0], given.strip()) if parties else (None, None)


def require_resolved(store: Store, uid: str, *kinds: str) -> tuple[Node, str | None]:
    """`resolve`, or `EntityNotFound` when nothing matches."""
    node, resolved_from = resolve(store, uid, *kinds)
    if node is None:
        what = " or ".join(k.lower() for k in kinds) or "entity"
        raise EntityNotFound(f"no {what} with key {uid!r}")
    return node, resolved_from


def require_node(store: Store, uid: str, *kinds: str) -> Node:
    """The node `uid` (or any identifier of it, `resolve`) of one of `kinds`, or
    `EntityNotFound`."""
    return require_resolved(store, uid, *kinds)[0]

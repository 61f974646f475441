"""Pieces every query shares: the as-of date, the measure catalogue, summaries, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.model import PROVENANCE
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


def require_node(store: Store, uid: str, *kinds: str) -> Node:
    """The node `uid` of one of `kinds`, or `EntityNotFound`."""
    node = next(filter(None, map(store.get_node, key_forms(uid))), None)
    if node is None or (kinds and node.kind not in kinds):
        what = " or ".join(k.lower() for k in kinds) or "entity"
        raise EntityNotFound(f"no {what} with key {uid!r}")
    return node

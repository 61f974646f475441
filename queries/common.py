"""Pieces every query shares: the as-of date, the measure catalogue, summaries, errors."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from typing_extensions import TypedDict

from credtrace.graph.identifiers import identifier_key
from credtrace.graph.law import Window, decision_date, publication_window, rule_date, version_for
from credtrace.graph.model import PROVENANCE, Label, Rel
from credtrace.graph.personal import mask_id
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader

K = TypeVar("K")
V = TypeVar("V")


class Kept(dict[K, V]):
    """Values worked out (or read) once and kept for reuse: at most `size` of them (None:
    all), the oldest let go first, so that a long run keeps what it reuses without
    growing with the run. Fill it through `fetch`.

    >>> kept: Kept[str, int] = Kept(2)
    >>> kept.fetch("ab", lambda keys: {k: ord(k) for k in keys})
    {'a': 97, 'b': 98}
    >>> kept.fetch("ca", lambda keys: {k: 0 for k in keys}), sorted(kept)
    ({'c': 0, 'a': 97}, ['b', 'c'])
    """

    def __init__(self, size: int | None = None) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: K, value: V) -> None:
        if self.size is not None and key not in self and len(self) >= self.size:
            del self[next(iter(self))]
        super().__setitem__(key, value)

    def fetch(self, keys: Iterable[K], work: Callable[[list[K]], Mapping[K, V]]) -> dict[K, V]:
        """The values of `keys` in their order, `work` called once with those not kept
        (a key it gives no value for has none, and is asked again next time)."""
        wanted = list(dict.fromkeys(keys))
        found = {k: self[k] for k in wanted if k in self}
        if len(found) == len(wanted):
            return found
        for key, value in work([k for k in wanted if k not in found]).items():
            found[key] = self[key] = value
        return {k: found[k] for k in wanted if k in found}


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


class Party(TypedDict):
    """An enterprise or person as answers name it (a person's `id` masked for some roles)."""

    id: str
    kind: str
    name: str


class Bounds(TypedDict):
    """A figure known between two bounds (a share given as a range)."""

    low: float
    high: float


#: A part of an answer not (yet) declared field by field: evidence steps, notes, explanations.
Json = dict[str, Any]


def party(node: Node) -> Party:
    """A short description of an enterprise or person for answers."""
    return {"id": node.uid, "kind": node.kind, "name": node.name}


def interval(edge: Edge) -> dict[str, str | None]:
    return {"start": edge.start, "end": edge.end}


@dataclass(frozen=True)
class MeasureKind:
    """One catalogue entry (domain.md §5): the fields of one version of its rules, and
    every version (`on` picks the one in force on a date).

    >>> old = MeasureKind("k", "限制高消费", True, ("legal_representative",), (), (), 2,
    ...                   valid_to="2015-07-22")
    >>> new = replace(old, roles=("actual_controller",), valid_from="2015-07-22", valid_to=None)
    >>> kind = replace(new, versions=(old, new))
    >>> kind.on("2015-07-21").roles, kind.on("2015-07-22").roles
    (('legal_representative',), ('actual_controller',))
    """

    kind: str
    name_zh: str
    reaches_persons: bool
    roles: tuple[str, ...]
    scenarios: tuple[str, ...]
    forbids_roles: tuple[str, ...]
    severity: int
    valid_from: str | None = None
    valid_to: str | None = None
    severity_class: str | None = None
    publication_min_months: int | None = None
    publication_max_months: int | None = None
    repair_conditions: tuple[str, ...] = ()
    grade_cap: str | None = None
    period_months: int | None = None
    personal_responsibility: bool = False
    publish_within_workdays: int | None = None
    legal_basis: str | None = None
    dated_by: str = "decision"
    sectors: tuple[str, ...] = ()
    versions: tuple[MeasureKind, ...] = ()

    @property
    def sanction(self) -> bool:
        """False for a disclosure record (severity 0: a registration or licensing
        decision with a publication deadline), which applies to no check and scores
        nothing."""
        return self.severity > 0

    def on(self, day: str | None, sector: str | None = None) -> MeasureKind:
        """The version in force on `day` (a decision date) for a measure of `sector`; the
        latest when `day` is unknown, the first before it and the latest after all
        (`graph.law.version_for`)."""
        return version_for(self.versions, day, sector, lambda v: (v.valid_from, v.valid_to),
                           lambda v: v.sectors) or self

    def version_of(self, measure: Node) -> MeasureKind:
        """The version in force on the measure's decision date (its start; the conduct
        date when the start is unknown), or on its conduct date where the kind is
        `dated_by` conduct."""
        return self.on(rule_date(measure.props, self.dated_by), measure.props.get("sector"))

    def window(self, measure_props: dict[str, Any]) -> Window:
        """The publication window of a measure under this version."""
        fields = ("publication_min_months", "publication_max_months", "period_months",
                  "legal_basis")
        return publication_window(decision_date(measure_props),
                                  {name: getattr(self, name) for name in fields})


def _kind(uid: str, fields: dict[str, Any]) -> MeasureKind:
    names = {f.name for f in dataclasses.fields(MeasureKind)} - {"kind", "versions"}
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in fields.items() if k in names and v is not None}
    values.setdefault("name_zh", uid)
    values["severity"] = int(values.get("severity", 1))
    values["reaches_persons"] = bool(values.get("reaches_persons"))
    for name in ("roles", "scenarios", "forbids_roles", "sectors"):
        values.setdefault(name, ())
    return MeasureKind(uid, **values)


def kind_of_node(node: Node) -> MeasureKind:
    """A `MeasureKind` node as a catalogue entry, with its versions."""
    if node.props.get("versions"):
        return _versioned(node.uid, node.props.get("name_zh") or node.uid,
                          node.props["versions"])
    return _kind(node.uid, node.props)


@lru_cache(maxsize=1024)
def _versioned(uid: str, name_zh: str, versions: str) -> MeasureKind:
    """A kind from its versions' JSON (parsed once per text: every query reads the
    catalogue)."""
    parsed = tuple(_kind(uid, {**v, "name_zh": v.get("name_zh") or name_zh})
                   for v in json.loads(versions))
    general = next((v for v in reversed(parsed) if not v.sectors), parsed[-1])
    return replace(general, versions=parsed)


def catalogue(store: Reader) -> dict[str, MeasureKind]:
    """The measure-kind catalogue as loaded into the store."""
    return {n.uid: kind_of_node(n) for n in store.nodes(Label.MEASURE_KIND)}


def kind_of(kinds: dict[str, MeasureKind], measure: Node) -> MeasureKind | None:
    """The catalogue version that applies to `measure` (by its decision date)."""
    kind = kinds.get(measure.props.get("kind") or "")
    return kind.version_of(measure) if kind else None


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


def resolve(store: Reader, given: str, *kinds: str) -> tuple[Node | None, str | None]:
    """The node an id given by a user stands for, of one of `kinds`, and the identifier it
    was resolved from (None when `given` is the node's own key): credtrace's key, else any
    identifier its sources gave it (source id, merged id, registration, tax or passport
    number, LEI, the organisation code inside a USCC). (None, None) when nothing matches;
    `AmbiguousIdentifier` when several parties share it."""
    node = next(filter(None, map(store.get_node, key_forms(given))), None)
    if node is not None and (not kinds or node.kind in kinds):
        return node, None
    edges = store.adjacent([identifier_key(given)], [Rel.HAS_IDENTIFIER], "in")
    parties = [n for n in store.get_nodes(e.source for e in edges).values()
               if not kinds or n.kind in kinds]
    if len(parties) > 1:
        raise AmbiguousIdentifier(given, [
            {**party(n), "id": mask_id(n.uid) if n.kind == Label.PERSON else n.uid}
            for n in sorted(parties, key=lambda n: n.uid)])
    return (parties[0], given.strip()) if parties else (None, None)


def require_resolved(store: Reader, uid: str, *kinds: str) -> tuple[Node, str | None]:
    """`resolve`, or `EntityNotFound` when nothing matches."""
    node, resolved_from = resolve(store, uid, *kinds)
    if node is None:
        what = " or ".join(k.lower() for k in kinds) or "entity"
        raise EntityNotFound(f"no {what} with key {uid!r}")
    return node, resolved_from


def require_node(store: Reader, uid: str, *kinds: str) -> Node:
    """The node `uid` (or any identifier of it, `resolve`) of one of `kinds`, or
    `EntityNotFound`."""
    return require_resolved(store, uid, *kinds)[0]

"""The store interface: a few primitives both stores implement, and the shared write logic.

Queries are written once above these primitives (`get_nodes`, `adjacent`, `nodes`,
`search`, bulk `upsert_*`). A store may override a named traversal for speed; the parity
suite proves the override answers like the generic version.

Writes are versioned: a row whose content differs from what is stored pushes the stored
version into the entity's `history` (nothing is deleted by a correction); an identical row
changes nothing, so reloading is idempotent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from graph.model import MODEL, PROVENANCE
from graph.records import Edge, Node
from graph.traverse import shortest_paths as generic_shortest_paths

if TYPE_CHECKING:
    from graph.view import Plan

Direction = Literal["out", "in", "both"]


class StoreError(RuntimeError):
    """The store cannot serve the request (unreachable, misconfigured)."""


class StoreUnavailable(StoreError):
    """The store's server does not answer; the caller may retry later."""


@dataclass
class WriteResult:
    """What a bulk upsert did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: WriteResult) -> WriteResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


@dataclass(frozen=True)
class VersionedRow:
    """A row ready to write: its key(s), flat properties, fingerprint and the earlier
    versions it keeps (JSON snapshots, oldest first)."""

    uid: str
    props: dict[str, Any]
    fp: str
    source: str | None = None
    target: str | None = None
    history: tuple[str, ...] = ()

    def as_param(self) -> dict[str, Any]:
        return {"uid": self.uid, "props": self.props, "fp": self.fp,
                "history": list(self.history), "source": self.source, "target": self.target}

    def as_probe(self) -> dict[str, Any]:
        """What a store needs to tell new, unchanged and changed rows apart."""
        return {"uid": self.uid, "fp": self.fp, "source": self.source, "target": self.target}


#: What `Store.stored_versions` says of a row: absent, `SAME` content, or the old properties.
SAME: dict[str, Any] = {}


@dataclass
class EntityRow:
    """An incoming node or edge: key, declared content and provenance."""

    uid: str
    content: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    target: str | None = None


def versioned(row: EntityRow, declared: Sequence[str]) -> VersionedRow:
    """Flatten `row` for writing: every declared property (None clears it) plus provenance.

    The fingerprint covers content and endpoints only, so the same fact loaded again from
    another run or line is unchanged.
    """
    unknown = set(row.content) - set(declared)
    if unknown:
        raise ValueError(f"undeclared properties {sorted(unknown)}")
    content = {name: row.content.get(name) for name in declared}
    fp_source = json.dumps([row.source, row.target, content], sort_keys=True, ensure_ascii=False)
    fp = hashlib.sha256(fp_source.encode()).hexdigest()[:24]
    prov = {name: row.provenance.get(name) for name in PROVENANCE}
    return VersionedRow(row.uid, {**content, **prov}, fp, row.source, row.target)


def snapshot_of(props: Mapping[str, Any]) -> str:
    """A stored version as JSON text (what `history` keeps of it)."""
    return json.dumps(public_props(props), sort_keys=True, ensure_ascii=False, default=str)


def plan_writes(rows: Sequence[VersionedRow],
                stored: Mapping[str, dict[str, Any]]) -> tuple[list[VersionedRow], WriteResult]:
    """The rows to write (new ones, and changed ones carrying the superseded version in
    their history) and the counts; unchanged rows are not written at all.

    >>> row = VersionedRow("k", {"name": "甲"}, "fp2")
    >>> todo, result = plan_writes([row], {"k": {"name": "乙", "fp": "fp1", "history": []}})
    >>> [json.loads(h)["name"] for h in todo[0].history], result.updated
    (['乙'], 1)
    """
    todo: list[VersionedRow] = []
    result = WriteResult()
    for row in rows:
        old = stored.get(row.uid)
        if old is None:
            result.created += 1
            todo.append(row)
        elif old is SAME:
            result.unchanged += 1
        else:
            result.updated += 1
            history = (*(old.get("history") or ()), snapshot_of(old))
            todo.append(dataclasses.replace(row, history=history))
    return todo, result


def edge_key(rel_type: str, source: str, target: str, *parts: Any) -> str:
    """A stable relationship key from its type, endpoints and distinguishing parts."""
    text = json.dumps([rel_type, source, target, *parts], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def history_of(props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The earlier versions of an entity, oldest first."""
    return [json.loads(item) for item in props.get("history") or []]


def rounds(rows: Iterable[VersionedRow]) -> list[list[VersionedRow]]:
    """Split rows so no key repeats within a round: the n-th row of a key goes to round n.

    A batch that writes one key twice (a contact shared by two enterprises) then gives the
    same counts and history on every store, whatever order a server applies a batch in.

    >>> [[r.uid for r in batch] for batch in rounds(
    ...     VersionedRow(u, {}, "") for u in ["a", "b", "a"])]
    [['a', 'b'], ['a']]
    """
    batches: list[list[VersionedRow]] = []
    seen: dict[str, int] = {}
    for row in rows:
        n = seen.get(row.uid, 0)
        seen[row.uid] = n + 1
        if n == len(batches):
            batches.append([])
        batches[n].append(row)
    return batches


#: Internal bookkeeping properties that are not part of a record's public answer.
INTERNAL_PROPS = ("fp", "history", "eid", "uid")


def public_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties without the store's bookkeeping."""
    return {k: v for k, v in props.items() if k not in INTERNAL_PROPS and v is not None}


class Store(ABC):
    """Primitives every store implements; everything else is written above them."""

    name: str = "store"

    # --- writes -------------------------------------------------------------------
    @abstractmethod
    def stored_versions(self, label: str, rows: Sequence[VersionedRow],
                        edges: bool) -> dict[str, dict[str, Any]]:
        """For the rows already stored (nodes of kind `label`, or relationships of type
        `label` when `edges`): `SAME` when the fingerprint matches, else their properties."""

    @abstractmethod
    def write_nodes(self, kind: str, rows: Sequence[VersionedRow]) -> int:
        """Create or replace nodes of `kind` in one transaction; the number written."""

    @abstractmethod
    def write_edges(self, rel_type: str, rows: Sequence[VersionedRow]) -> int:
        """Create or replace relationships of `rel_type` in one transaction; the number
        written. Rows whose endpoints do not exist (or are of other kinds) are skipped."""

    def upsert_nodes(self, kind: str, rows: Iterable[EntityRow]) -> WriteResult:
        """Versioned, idempotent upsert of nodes (see `plan_writes` and `rounds`)."""
        declared = MODEL.node(kind).prop_names
        result = WriteResult()
        for batch in rounds(versioned(r, declared) for r in rows):
            todo, counts = plan_writes(batch, self.stored_versions(kind, batch, edges=False))
            if todo:
                self.write_nodes(kind, todo)
            result += counts
        return result

    def upsert_edges(self, rel_type: str, rows: Iterable[EntityRow]) -> WriteResult:
        """Versioned, idempotent upsert of relationships keyed by `uid` (the edge key);
        rows whose endpoints are missing are not counted."""
        declared = MODEL.rel(rel_type).prop_names
        result = WriteResult()
        for batch in rounds(versioned(r, declared) for r in rows):
            todo, counts = plan_writes(batch, self.stored_versions(rel_type, batch, edges=True))
            written = self.write_edges(rel_type, todo) if todo else 0
            counts.created -= len(todo) - written  # skipped: an endpoint is missing
            result += counts
        return result

    # --- reads --------------------------------------------------------------------
    @abstractmethod
    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        """The nodes with these keys that exist, by key."""

    def get_node(self, uid: str) -> Node | None:
        return self.get_nodes([uid]).get(uid)

    @abstractmethod
    def adjacent(
        self,
        uids: Iterable[str],
        types: Sequence[str] | None = None,
        direction: Direction = "both",
        on: str | None = None,
    ) -> list[Edge]:
        """Relationships touching any of `uids`, of `types`, possibly valid `on` a date.

        "Possibly valid" keeps intervals that hold or whose start is unknown
        (see `graph.timeline.possibly_valid`); `on=None` keeps all.
        """

    @abstractmethod
    def nodes(self, kind: str) -> Iterator[Node]:
        """Every node of `kind`."""

    @abstractmethod
    def edges(self, rel_type: str) -> Iterator[Edge]:
        """Every relationship of `rel_type`."""

    @abstractmethod
    def search(self, text: str, limit: int = 20) -> list[Node]:
        """Enterprises and persons whose name contains `text` or whose key starts with it."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Number of nodes per kind and relationships per type (zeros included)."""

    # --- named traversals (generic here; a store may push them down) ---------------
    def shortest_paths(self, a: str, b: str, types: Sequence[str], on: str | None,
                       max_hops: int, limit: int) -> list[list[Edge]]:
        """All shortest paths between `a` and `b` (a != b) over relationships of `types`
        possibly valid `on` a date, in either direction, at most `max_hops` long.

        Each path is its relationships in order from `a`; at most `limit` paths, in the
        canonical order of `graph.traverse` (by the (node key, relationship key) sequence).
        Generic version: bidirectional breadth-first search, one `adjacent` call per layer.
        """
        return generic_shortest_paths(self, a, b, types, on, max_hops, limit)

    def prefetch(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str] = ()) -> Store:
        """A store to run one query's reads on: the nodes `uids`, what `plan` follows from
        them and every node of `kinds` read at once where reads are remote
        (`graph.view.Prefetched`). Generic version: the store itself (local reads)."""
        return self

    # --- lifecycle ----------------------------------------------------------------
    def ping(self) -> None:
        """Raise `StoreUnavailable` unless the store answers."""

    def flush(self) -> None:
        """Make written data durable (the memory store saves its folder)."""

    def close(self) -> None:
        """Release connections."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (tests and fresh demos only)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The store interface: a few primitives both stores implement, and the shared write logic.

Queries are written once above these primitives (`get_nodes`, `adjacent`, `nodes`,
`search`, bulk `upsert_*`). A store may override a named traversal for speed; the parity
suite proves the override answers like the generic version.

Writes are versioned: a row whose content differs from what is stored pushes the stored
version into the entity's `history` (nothing is deleted by a correction); an identical row
changes nothing, so reloading is idempotent.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.model import MODEL, PROVENANCE
from graph.records import Edge, Node
from graph.traverse import shortest_paths as generic_shortest_paths

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
    """A row ready to write: its key(s), flat properties, fingerprint and snapshot."""

    uid: str
    props: dict[str, Any]
    fp: str
    snapshot: str
    source: str | None = None
    target: str | None = None

    def as_param(self) -> dict[str, Any]:
        return {"uid": self.uid, "props": self.props, "fp": self.fp,
                "snapshot": self.snapshot, "source": self.source, "target": self.target}


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
    props = {**content, **prov}
    snapshot = json.dumps(props, sort_keys=True, ensure_ascii=False)
    return VersionedRow(row.uid, props, fp, snapshot, row.source, row.target)


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
    ...     VersionedRow(u, {}, "", "") for u in ["a", "b", "a"])]
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
INTERNAL_PROPS = ("fp", "snapshot", "history", "eid", "uid")


def public_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties without the store's bookkeeping."""
    return {k: v for k, v in props.items() if k not in INTERNAL_PROPS and v is not None}


class Store(ABC):
    """Primitives every store implements; everything else is written above them."""

    name: str = "store"

    # --- writes -------------------------------------------------------------------
    @abstractmethod
    def write_nodes(self, kind: str, rows: Sequence[VersionedRow]) -> WriteResult:
        """Create or update nodes of `kind` in one transaction."""

    @abstractmethod
    def write_edges(self, rel_type: str, rows: Sequence[VersionedRow]) -> WriteResult:
        """Create or update relationships of `rel_type` in one transaction.

        Rows whose endpoints do not exist are skipped (counted neither created nor updated).
        """

    def upsert_nodes(self, kind: str, rows: Iterable[EntityRow]) -> WriteResult:
        """Versioned, idempotent upsert of nodes (one transaction per round, see `rounds`)."""
        declared = MODEL.node(kind).prop_names
        result = WriteResult()
        for batch in rounds(versioned(r, declared) for r in rows):
            result += self.write_nodes(kind, batch)
        return result

    def upsert_edges(self, rel_type: str, rows: Iterable[EntityRow]) -> WriteResult:
        """Versioned, idempotent upsert of relationships keyed by `uid` (the edge key)."""
        declared = MODEL.rel(rel_type).prop_names
        result = WriteResult()
        for batch in rounds(versioned(r, declared) for r in rows):
            result += self.write_edges(rel_type, batch)
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

"""The store roles: a `Reader` (what queries read), a `Writer` (what loads write through),
a `Store` that is both; and the shared write logic.

Queries are written once above the read primitives (`get_nodes`, `adjacent`, `nodes`,
`search`) and take a `Reader`: a store, or a view over one (`graph.view.Prefetched`). Loads
take a `Writer` (bulk `upsert_*`): a store, or the import spool of a bulk load
(`graph.neo4j.bulk.ImportSpool`). A store may override a named traversal for speed; the
parity suite proves the override answers like the generic version.

Writes are versioned: a row whose content differs from what is stored pushes the stored
version into the entity's `history` (nothing is deleted by a correction); an identical row
changes nothing, so reloading is idempotent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, TypeVar

from credtrace.graph.model import MODEL, PROVENANCE
from credtrace.graph.reads import Direction, Plan
from credtrace.graph.records import Edge, Node
from credtrace.graph.traverse import shortest_paths as generic_shortest_paths

T = TypeVar("T")


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


@dataclass(slots=True)  # not frozen: a load makes millions, and frozen __init__ is slow
class VersionedRow:
    """A row ready to write: its key(s), flat properties, fingerprint and the earlier
    versions it keeps (JSON snapshots, oldest first)."""

    uid: str
    props: dict[str, Any]
    fp: str
    source: str | None = None
    target: str | None = None
    history: tuple[str, ...] = ()
    #: the row made into a bulk import line, or where that line is (`graph.neo4j.bulk`)
    line: str | tuple[str, int] | None = None

    def as_param(self) -> dict[str, Any]:
        return {"uid": self.uid, "props": self.props, "fp": self.fp,
                "history": list(self.history), "source": self.source, "target": self.target}

    def __reduce__(self) -> tuple[type[VersionedRow], tuple[Any, ...]]:
        # positional: a slotted dataclass otherwise pickles its fields as a dict
        return VersionedRow, (self.uid, self.props, self.fp, self.source, self.target,
                              self.history, self.line)


@dataclass
class Merged:
    """What the first step of a batch write did: the rows it created, the rows it reached
    (every node; relationships whose endpoints exist) and the stored properties of the
    reached rows whose content differs (left for `supersede`)."""

    created: int
    reached: int
    changed: dict[str, dict[str, Any]]


@dataclass(slots=True)
class EntityRow:
    """An incoming node or edge: key, declared content and provenance."""

    uid: str
    content: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    target: str | None = None


def _json_encoder(sort_keys: bool) -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False, sort_keys=...)`, its C encoder built once:
    keys and fingerprints are hashed from it for every row of a load."""
    encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys)
    if c_make_encoder is None:  # CPython without its _json accelerator
        return encoder.encode
    encode = c_make_encoder(None, encoder.default, encode_basestring, None, ": ", ", ",
                            sort_keys, False, True)
    return lambda value: "".join(encode(value, 0))


_JSON = _json_encoder(sort_keys=False)
_CANONICAL = _json_encoder(sort_keys=True)


def versioned(row: EntityRow, declared: Sequence[str],
              provenance: Mapping[str, Any] | None = None) -> VersionedRow:
    """Flatten `row` for writing: every declared property (None clears it) plus provenance.

    The fingerprint covers content and endpoints only, so the same fact loaded again from
    another run or line is unchanged.
    """
    given = row.content
    if not given.keys() <= _names(declared):
        raise ValueError(f"undeclared properties {sorted(set(given) - set(declared))}")
    content = {name: given.get(name) for name in declared}
    fp_source = _CANONICAL([row.source, row.target, content])
    fp = hashlib.sha256(fp_source.encode()).hexdigest()[:24]
    provenance = row.provenance if provenance is None else provenance
    for name in PROVENANCE:
        content[name] = provenance.get(name)
    return VersionedRow(row.uid, content, fp, row.source, row.target)


@cache
def _names(declared: Sequence[str]) -> frozenset[str]:
    return frozenset(declared)


def snapshot_of(props: Mapping[str, Any]) -> str:
    """A stored version as JSON text (what `history` keeps of it)."""
    return json.dumps(public_props(props), sort_keys=True, ensure_ascii=False, default=str)


def supersede(rows: Sequence[VersionedRow],
              merged: Merged) -> tuple[list[VersionedRow], WriteResult]:
    """The changed rows to write over their stored version, each carrying that version in
    its history, and the batch's counts (rows stored with the same content are unchanged).

    >>> row = VersionedRow("k", {"name": "甲"}, "fp2")
    >>> old = {"name": "乙", "fp": "fp1"}
    >>> todo, result = supersede([row], Merged(created=0, reached=1, changed={"k": old}))
    >>> [json.loads(h)["name"] for h in todo[0].history], result.updated
    (['乙'], 1)
    """
    todo = [dataclasses.replace(row, history=(*(old.get("history") or ()), snapshot_of(old)))
            for row in rows if (old := merged.changed.get(row.uid)) is not None
            ] if merged.changed else []
    unchanged = merged.reached - merged.created - len(todo)
    return todo, WriteResult(merged.created, len(todo), unchanged)


def edge_key(rel_type: str, source: str, target: str, *parts: Any) -> str:
    """A stable relationship key from its type, endpoints and distinguishing parts."""
    text = _JSON([rel_type, source, target, *parts])
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


class Role:
    """What both roles tell about themselves."""

    name: str = "store"
    #: Reads cost a round trip (a loader caches what it learns instead of asking again).
    remote: bool = False


class Reader(Role, ABC):
    """What a query reads: primitives every store and view answers; everything else is
    written above them."""

    @abstractmethod
    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        """The nodes with these keys that exist, by key."""

    def get_node(self, uid: str) -> Node | None:
        return self.get_nodes([uid]).get(uid)

    def kinds(self, uids: Iterable[str]) -> dict[str, str]:
        """The kind of each node of `uids` that exists."""
        return {uid: node.kind for uid, node in self.get_nodes(uids).items()}

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
        (see `graph.timeline.possibly_valid`); `on=None` keeps all. A type the model does
        not declare is refused (`graph.reads.UnknownRelationship`).
        """

    @abstractmethod
    def nodes(self, kind: str) -> Iterator[Node]:
        """Every node of `kind`."""

    def uids(self, kind: str) -> Iterator[str]:
        """The keys of every node of `kind`, in order (a sweep's key list, no properties)."""
        yield from sorted(node.uid for node in self.nodes(kind))

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

    def prefetch(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str] = ()) -> Reader:
        """A reader to run one query's reads on: the nodes `uids`, what `plan` follows from
        them and every node of `kinds` read at once where reads are remote
        (`graph.view.Prefetched`). Generic version: this reader itself (local reads)."""
        return self


class Writer(Role, ABC):
    """What a load writes through: versioned, idempotent batch writes, and the kinds of
    the keys already written (what a load checks references against)."""

    @abstractmethod
    def transaction(self, work: Callable[[Any], T]) -> T:
        """Run `work(tx)` in one write transaction: all its writes or none."""

    @abstractmethod
    def merge(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> Merged:
        """Create the rows whose key is absent (nodes of kind `label`, or relationships of
        type `label` when `edges`; a relationship only between existing endpoints of the
        declared kinds) and report the stored properties of rows whose fingerprint differs."""

    @abstractmethod
    def replace(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> None:
        """Write `rows` (found by `merge` to have changed) over their stored versions."""

    @abstractmethod
    def kinds(self, uids: Iterable[str]) -> dict[str, str]:
        """The kind of each node of `uids` written so far."""

    def write_batch(self, label: str, rows: Sequence[VersionedRow], *,
                    edges: bool) -> WriteResult:
        """Versioned write of one batch (no key twice) in one transaction: new rows are
        created, changed rows replaced keeping the superseded version in their history,
        unchanged rows left alone."""

        def work(tx: Any) -> WriteResult:
            todo, result = supersede(rows, self.merge(tx, label, rows, edges))
            if todo:
                self.replace(tx, label, todo, edges)
            return result

        return self.transaction(work)

    def write_rows(self, label: str, rows: Iterable[VersionedRow], *,
                   edges: bool) -> WriteResult:
        """Versioned, idempotent write of rows in batches without a repeated key (see
        `write_batch` and `rounds`); relationships whose endpoints are missing are skipped
        and not counted."""
        result = WriteResult()
        for batch in rounds(rows):
            result += self.write_batch(label, batch, edges=edges)
        return result

    def upsert_nodes(self, kind: str, rows: Iterable[EntityRow]) -> WriteResult:
        """Versioned, idempotent upsert of nodes."""
        declared = MODEL.node(kind).prop_names
        return self.write_rows(kind, (versioned(r, declared) for r in rows), edges=False)

    def upsert_edges(self, rel_type: str, rows: Iterable[EntityRow]) -> WriteResult:
        """Versioned, idempotent upsert of relationships keyed by `uid` (the edge key)."""
        declared = MODEL.rel(rel_type).prop_names
        return self.write_rows(rel_type, (versioned(r, declared) for r in rows), edges=True)

    def flush(self) -> None:
        """Make written data durable (the memory store saves its folder)."""


class Store(Reader, Writer):
    """A store: read and written, with a lifecycle."""

    def ping(self) -> None:
        """Raise `StoreUnavailable` unless the store answers."""

    def close(self) -> None:
        """Release connections."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (tests and fresh demos only)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

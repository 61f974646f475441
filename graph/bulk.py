"""Spool a load into an empty Neo4j database as `neo4j-admin database import` files.

The online write path (`Store.write_batch`: UNWIND and MERGE over Bolt) costs Neo4j some
50–300 µs of CPU per node or relationship on a small machine, too slow for a first load of
a whole registry. `ImportSpool` is a store that takes the same batches and writes them as
CSV files of the offline importer instead, one per node kind and relationship type, with
the same properties, fingerprints and provenance. It keeps the merge semantics of the
stores exactly:

- a node or relationship seen for the first time goes to the files (created);
- a node seen again with the same fingerprint is unchanged;
- anything else (a node seen again with other content, a relationship key that may have
  been seen, a value the CSV format cannot carry exactly such as an empty list) is
  *deferred*: kept in order and written through the online path once the import is done,
  where it is merged, versioned and counted like any other write.

Memory: a key → kind and fingerprint map for nodes (relationship endpoints are checked
against it) and a Bloom filter for relationship keys, so 1M enterprises (~6M nodes and
~7M relationships) fit the loader's budget.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from graph.cypher import NODE
from graph.model import MODEL, PROVENANCE, PropType
from graph.records import Edge, Node
from graph.store import Merged, Store, T, VersionedRow

#: neo4j-admin column types of the model's property types.
_TYPES: dict[PropType, str] = {"str": "string", "date": "string", "float": "double",
                               "int": "long", "bool": "boolean", "list": "string[]"}
#: Separates the items of a list value (the importer's --array-delimiter).
ARRAY_DELIMITER = "\x1f"
_KINDS = tuple(n.name for n in MODEL.nodes)
assert len(_KINDS) <= 16, "a node's kind index takes 4 bits in ImportSpool"


class BloomFilter:
    """Set membership with false positives only, in `bits` bits (k = 3 hash functions).

    >>> seen = BloomFilter(1 << 12)
    >>> seen.add("a"), seen.add("a"), "b" in seen
    (False, True, False)
    """

    K = 3

    def __init__(self, bits: int) -> None:
        self.size = max(bits, 64)
        self.bits = bytearray(self.size // 8 + 1)

    def _positions(self, key: str) -> Iterator[int]:
        h = hash(key)  # salted per process: a filter lives in one process
        h1, h2 = h & 0xFFFFFFFF, (h >> 32) | 1
        return ((h1 + i * h2) % self.size for i in range(self.K))

    def __contains__(self, key: str) -> bool:
        return all(self.bits[p >> 3] & (1 << (p & 7)) for p in self._positions(key))

    def add(self, key: str) -> bool:
        """Add `key`; whether it may have been added before."""
        seen = True
        for p in self._positions(key):
            byte, bit = p >> 3, 1 << (p & 7)
            if not self.bits[byte] & bit:
                seen = False
                self.bits[byte] |= bit
        return seen


@dataclass(frozen=True)
class Columns:
    """One import file's header: the keys, the text properties, the fingerprint, then the
    properties of other types, then the history."""

    header: tuple[str, ...]
    text: tuple[str, ...]
    typed: tuple[tuple[str, PropType], ...]

    def pick_text(self, props: dict[str, Any]) -> tuple[Any, ...]:
        """The text values in column order (a versioned row has every property)."""
        try:
            return self._pick(props)  # type: ignore[no-any-return]
        except KeyError:
            return tuple(props.get(name) for name in self.text)

    @property
    def _pick(self) -> Callable[[dict[str, Any]], Any]:
        return _pickers(self.text)


@cache
def _pickers(names: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    pick = itemgetter(*names)
    return pick if len(names) > 1 else lambda props: (pick(props),)


@cache
def columns_of(label: str, edges: bool) -> Columns:
    """The columns of the import file of a node kind or relationship type."""
    declared = MODEL.rel(label).props if edges else MODEL.node(label).props
    props: list[tuple[str, PropType]] = [(p.name, p.type) for p in declared]
    if edges:
        props = [("start", "date"), ("end", "date"), *props]
    props += [(name, "int" if name == "line" else "str") for name in PROVENANCE]
    text = tuple(name for name, kind in props if kind in ("str", "date"))
    typed = tuple((name, kind) for name, kind in props if kind not in ("str", "date"))
    head = (":START_ID", ":END_ID", "eid") if edges else ("uid:ID",)
    header = (*head, *text, "fp", *(f"{name}:{_TYPES[kind]}" for name, kind in typed),
              "history:string[]")
    return Columns(header, text, typed)


_TEXT = frozenset({str, type(None)})
_UNFIT = object()


def _typed(value: Any, kind: PropType) -> Any:
    """A value of a non-text column as the importer reads it back exactly, else `_UNFIT`."""
    if value is None:
        return None
    cls = value.__class__
    if kind == "int":
        return value if cls is int else _UNFIT
    if kind == "float":
        return float(value) if cls is float or cls is int else _UNFIT
    if kind == "bool":
        return ("true" if value else "false") if cls is bool else _UNFIT
    if (cls in (list, tuple) and value
            and all(v.__class__ is str and v and ARRAY_DELIMITER not in v for v in value)):
        return ARRAY_DELIMITER.join(value)
    return _UNFIT


_LINE = io.StringIO()
#: CRLF, so that the csv module quotes a lone CR too
_LINE_WRITER = csv.writer(_LINE, lineterminator="\r\n")


def import_line(label: str, edges: bool, row: VersionedRow) -> str | None:
    """The row as one CSV record of its import file, or None when a value cannot be
    carried exactly: an empty text (it would read back as null), a value of the wrong
    type, an empty list. Pure: worker processes make the lines of a large load."""
    props, columns = row.props, columns_of(label, edges)
    head = [row.source, row.target, row.uid] if edges else [row.uid]
    cells = [*head, *columns.pick_text(props), row.fp]
    if "" in cells or not _TEXT.issuperset(map(type, cells)):
        return None
    for name, kind in columns.typed:
        typed = _typed(props.get(name), kind)
        if typed is _UNFIT:
            return None
        cells.append(typed)
    cells.append(ARRAY_DELIMITER.join(row.history) if row.history else None)
    try:
        _LINE_WRITER.writerow(cells)
        return _LINE.getvalue()
    except csv.Error:  # a character the csv module will not write
        return None
    finally:
        _LINE.seek(0)
        _LINE.truncate()


def row_from_line(label: str, edges: bool, line: str) -> VersionedRow:
    """The row an `import_line` was made from (the line carries every value exactly)."""
    columns = columns_of(label, edges)
    (cells,) = csv.reader(io.StringIO(line))
    keys, cells = cells[:3 if edges else 1], cells[3 if edges else 1:]
    text = dict(zip(columns.text, cells, strict=False))
    fp, typed_cells = cells[len(columns.text)], cells[len(columns.text) + 1:]
    props: dict[str, Any] = {name: value or None for name, value in text.items()}
    for (name, kind), cell in zip(columns.typed, typed_cells, strict=False):
        props[name] = _parsed(cell, kind)
    history = tuple(typed_cells[-1].split(ARRAY_DELIMITER)) if typed_cells[-1] else ()
    if edges:
        return VersionedRow(keys[2], props, fp, keys[0], keys[1], history)
    return VersionedRow(keys[0], props, fp, history=history)


def _parsed(cell: str, kind: PropType) -> Any:
    if not cell:
        return None
    if kind == "int":
        return int(cell)
    if kind == "float":
        return float(cell)
    if kind == "bool":
        return cell == "true"
    return cell.split(ARRAY_DELIMITER)


def lite(label: str, edges: bool, row: VersionedRow) -> VersionedRow:
    """The row with its import line and without the properties the line carries (a
    relationship keeps its interval): what crosses from a worker process to the spool."""
    line = import_line(label, edges, row)
    if line is None:
        return row  # written online: it needs its properties
    props = {"start": row.props.get("start"), "end": row.props.get("end")} if edges else {}
    return VersionedRow(row.uid, props, row.fp, row.source, row.target, row.history, line)


@dataclass
class ImportFile:
    """One CSV file of the import and what the importer must be told about it."""

    path: Path
    label: str
    edges: bool
    rows: int = 0
    multiline: bool = False
    _fh: IO[str] | None = field(default=None, repr=False)

    def write(self, row: VersionedRow) -> bool:
        """Write the row (its `line` if made already); False when it cannot be written
        exactly (see `import_line`)."""
        line = row.line or import_line(self.label, self.edges, row)
        if line is None:
            return False
        if self._fh is None:
            self._fh = open(self.path, "w", encoding="utf-8", newline="",  # noqa: SIM115
                            buffering=1 << 20)
            csv.writer(self._fh, lineterminator="\r\n").writerow(
                columns_of(self.label, self.edges).header)
        if not self.multiline and ("\r" in line[:-2] or "\n" in line[:-2]):
            self.multiline = True
        self._fh.write(line)
        self.rows += 1
        return True

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    @property
    def argument(self) -> str:
        """The importer's `--nodes=` / `--relationships=` argument for this file."""
        if self.edges:
            return f"--relationships={self.label}={self.path.name}"
        labels = ":".join((NODE, self.label, *MODEL.node(self.label).labels))
        return f"--nodes={labels}={self.path.name}"


class ImportSpool(Store):
    """A write-only store spooling a load into import files in `folder` (see the module).

    `expected_edges` sizes the relationship-key filter (a larger load than expected only
    defers more rows). Reads other than `get_nodes` (kinds only) are refused.
    """

    name = "import-spool"

    def __init__(self, folder: Path, expected_edges: int = 1_000_000) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, ImportFile] = {}
        self.deferred: list[tuple[str, bool, VersionedRow]] = []
        self._nodes: dict[str, int] = {}  # key -> fingerprint prefix << 4 | kind index
        self._pending: set[str] = set()  # nodes with deferred rows (their edges wait too)
        self._edges = BloomFilter(32 * expected_edges)  # ~0.1 % false positives

    def _file(self, label: str, edges: bool) -> ImportFile:
        found = self.files.get(label)
        if found is None:
            found = self.files[label] = ImportFile(
                self.folder / f"{'rel' if edges else 'node'}-{label}.csv", label, edges)
        return found

    def transaction(self, work: Callable[[Any], T]) -> T:
        return work(None)

    def merge(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> Merged:
        merged = Merged(created=0, reached=0, changed={})
        spool = self._edge if edges else self._node
        for row in rows:
            outcome = spool(label, row)
            if outcome is None:
                full = row_from_line(label, edges, row.line) if row.line else row
                self.deferred.append((label, edges, full))
            elif outcome:
                merged.created += 1
                merged.reached += 1
            elif not edges:  # the same node again, same content
                merged.reached += 1
        return merged

    def _node(self, kind: str, row: VersionedRow) -> bool | None:
        """True: written; False: stored already with this content; None: deferred."""
        index = _KINDS.index(kind)
        stamp = int(row.fp[:15], 16) << 4 | index
        known = self._nodes.get(row.uid)
        if known is not None and known == stamp and row.uid not in self._pending:
            return False
        if known is None:
            self._nodes[row.uid] = stamp
            if self._file(kind, False).write(row):
                return True
        self._pending.add(row.uid)  # this key's later rows follow it online, in order
        return None

    def _edge(self, rel_type: str, row: VersionedRow) -> bool | None:
        """True: written; False: skipped (an endpoint is missing); None: deferred."""
        rel = MODEL.rel(rel_type)
        for uid, label in ((row.source, rel.source), (row.target, rel.target)):
            known = self._nodes.get(uid or "")
            if known is None or _KINDS[known & 0xF] not in MODEL.labels_of(label):
                return False
        seen = self._edges.add(row.uid)  # a deferred key defers its later rows too
        if (seen or row.source in self._pending or row.target in self._pending
                or not self._file(rel_type, True).write(row)):
            return None
        return True

    def replace(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> None:
        raise AssertionError("merge() reports no changed rows: they are deferred")

    def finish(self) -> list[ImportFile]:
        """Close the files; those written, in the order the importer wants (nodes first)."""
        for f in self.files.values():
            f.close()
        written = [f for f in self.files.values() if f.rows]
        return sorted(written, key=lambda f: f.edges)

    # --- reads: the kinds of spooled nodes, for reference checks ----------------------
    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        found = ((uid, self._nodes.get(uid)) for uid in uids)
        return {uid: Node(_KINDS[k & 0xF], uid) for uid, k in found if k is not None}

    def _refuse(self) -> Any:
        raise TypeError("an import spool only takes writes")

    def adjacent(self, uids: Iterable[str], types: Sequence[str] | None = None,
                 direction: Any = "both", on: str | None = None) -> list[Edge]:
        return self._refuse()  # type: ignore[no-any-return]

    def nodes(self, kind: str) -> Iterator[Node]:
        return self._refuse()  # type: ignore[no-any-return]

    def edges(self, rel_type: str) -> Iterator[Edge]:
        return self._refuse()  # type: ignore[no-any-return]

    def search(self, text: str, limit: int = 20) -> list[Node]:
        return self._refuse()  # type: ignore[no-any-return]

    def counts(self) -> dict[str, int]:
        return self._refuse()  # type: ignore[no-any-return]

    def clear(self) -> None:
        self._refuse()

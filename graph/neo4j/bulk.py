"""Spool a load into an empty Neo4j database as `neo4j-admin database import` files.

The online write path (`Store.write_batch`: UNWIND and MERGE over Bolt) costs Neo4j some
50–300 µs of CPU per node or relationship on a small machine, too slow for a first load of
a whole registry. `ImportSpool` is a writer that takes the same batches and writes them as
CSV files of the offline importer instead, one per node kind and relationship type, with
the same properties, fingerprints and provenance (worker processes write most lines into
part files, `write_parts`). It keeps the merge semantics of the stores exactly:

- a node or relationship seen for the first time goes to the files (created);
- a node seen again with the same fingerprint is unchanged;
- anything else (a node seen again with other content, a relationship key seen before,
  a value the CSV format cannot carry exactly such as an empty list) is *deferred*: kept
  in order and written through the online path once the import is done, where it is
  merged, versioned and counted like any other write.

Memory: a key → kind and fingerprint map for nodes (relationship endpoints are checked
against it) and 8 bytes a relationship key (`KeySet`), so 1M enterprises (~6M nodes and
~7M relationships) fit the loader's budget.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np

from credtrace.graph.model import MODEL, PROVENANCE, PropType
from credtrace.graph.neo4j.cypher import NODE
from credtrace.graph.store import Merged, T, VersionedRow, Writer, WriteResult

#: neo4j-admin column types of the model's property types.
_TYPES: dict[PropType, str] = {"str": "string", "date": "string", "float": "double",
                               "int": "long", "bool": "boolean", "list": "string[]"}
#: Separates the items of a list value (the importer's --array-delimiter).
ARRAY_DELIMITER = "\x1f"
_KINDS = tuple(n.name for n in MODEL.nodes)
assert len(_KINDS) <= 16, "a node's kind index takes 4 bits in ImportSpool"


@cache
def _kind_indexes(label: str) -> frozenset[int]:
    return frozenset(_KINDS.index(kind) for kind in MODEL.labels_of(label))


class KeySet:
    """The keys added so far, kept as 64-bit hashes (8 bytes a key in a sorted array,
    the latest in a set): a key is taken for one added before only when the hashes
    collide (about once in 10^6 loads of ten million keys), which merely defers a row.

    >>> keys = KeySet()
    >>> keys.add_all(["a", "b", "a"]), keys.add_all(["b", "c"])
    ([False, False, True], [True, False])
    """

    RECENT = 1 << 20  # latest keys kept in a set before they join the sorted array

    def __init__(self) -> None:
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()

    def add_all(self, keys: Sequence[str]) -> list[bool]:
        """Add `keys` in order; for each, whether it was added before (or earlier in
        `keys`)."""
        hashes = [hash(key) & 0xFFFFFFFFFFFFFFFF for key in keys]  # salted per process
        older = self._sorted
        if len(older):
            wanted = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
            at = np.minimum(np.searchsorted(older, wanted), len(older) - 1)
            in_older: list[bool] = (older[at] == wanted).tolist()
        else:
            in_older = [False] * len(hashes)
        recent, seen = self._recent, []
        for h, old in zip(hashes, in_older, strict=True):
            if old or h in recent:
                seen.append(True)
            else:
                recent.add(h)
                seen.append(False)
        if len(recent) > self.RECENT:
            merged = np.concatenate([older, np.fromiter(recent, dtype=np.uint64,
                                                        count=len(recent))])
            merged.sort()
            self._sorted, self._recent = merged, set()
        return seen


class NodeMap:
    """Each spooled node's stamp (fingerprint prefix and kind index) by its key's 64-bit
    hash, in sorted arrays (16 bytes a node; the latest in a dict): a dict of the keys
    themselves took ~145 bytes a node, 0.9 GB at 6M nodes. Two keys whose hashes collide
    (about once in 10^6 loads of ten million keys) read as one node: its stamp differs, so
    the second one's rows are deferred to the online path, which resolves them by key. A
    reference to a key never spooled that collides with one spooled (odds ~10^-12 a
    reference) is taken as present: the importer then stops on it and the load fails whole.

    >>> nodes = NodeMap()
    >>> nodes.set("a", 17); nodes.get_all(["a", "b"])
    [17, None]
    """

    RECENT = 1 << 20  # latest nodes kept in a dict before they join the sorted arrays

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._stamps = np.empty(0, dtype=np.uint64)
        self._recent: dict[int, int] = {}

    @staticmethod
    def _hash(key: str) -> int:
        return hash(key) & 0xFFFFFFFFFFFFFFFF  # salted per process

    def get_all(self, keys: Sequence[str]) -> list[int | None]:
        """The stamp of each key, None for a key not spooled."""
        hashes = [self._hash(key) for key in keys]
        older: list[int | None] = [None] * len(hashes)
        if len(self._keys) and hashes:
            wanted = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
            at = np.minimum(np.searchsorted(self._keys, wanted), len(self._keys) - 1)
            hit = (self._keys[at] == wanted).tolist()
            stamps = self._stamps[at].tolist()
            older = [stamp if ok else None for ok, stamp in zip(hit, stamps, strict=True)]
        recent = self._recent
        return [old if old is not None else recent.get(h) for h, old in zip(hashes, older,
                                                                           strict=True)]

    def set(self, key: str, stamp: int) -> None:
        """Record a key not spooled before."""
        self._recent[self._hash(key)] = stamp
        if len(self._recent) > self.RECENT:
            keys = np.concatenate([self._keys, np.fromiter(
                self._recent, dtype=np.uint64, count=len(self._recent))])
            stamps = np.concatenate([self._stamps, np.fromiter(
                self._recent.values(), dtype=np.uint64, count=len(self._recent))])
            order = np.argsort(keys, kind="stable")
            self._keys, self._stamps, self._recent = keys[order], stamps[order], {}


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


#: An import line kept in a part file: (file name, line index).
PartLine = tuple[str, int]


def file_stem(label: str, edges: bool) -> str:
    return f"{'rel' if edges else 'node'}-{label}"


@dataclass
class _Part:
    """A part file this process appends to, and how many lines it has."""

    name: str
    fh: IO[str]
    lines: int = 0


#: This process's part files, by folder and label.
_parts: dict[tuple[Path, str, bool], _Part] = {}


def write_parts(folder: Path, rows: Iterable[tuple[str, bool, VersionedRow]]) -> None:
    """Append the import lines of `rows` to this process's part files in `folder` (one
    per label) and make each row carry a reference to its line instead of the properties
    in it (a relationship keeps its interval): what a worker process sends back is
    small. A row whose line spans lines (a text with a line break) carries the line
    itself; a row that cannot be written keeps its properties (it will be written
    online). The files are flushed before this returns."""
    by_label: dict[tuple[str, bool], list[tuple[VersionedRow, str]]] = {}
    for label, edges, row in rows:
        line = import_line(label, edges, row)
        if line is None:
            continue
        props = row.props
        row.props = {"start": props.get("start"), "end": props.get("end")} if edges else {}
        if "\r" in line[:-2] or "\n" in line[:-2]:
            row.line = line
        else:
            by_label.setdefault((label, edges), []).append((row, line))
    for (label, edges), lines in by_label.items():
        part = _parts.get((folder, label, edges))
        if part is None:
            name = f"{file_stem(label, edges)}.part-{os.getpid()}.csv"
            part = _parts[folder, label, edges] = _Part(name, open(  # noqa: SIM115
                folder / name, "a", encoding="utf-8", newline="", buffering=1 << 20))
        part.fh.write("".join(line for _, line in lines))
        part.fh.flush()
        for index, (row, _) in enumerate(lines, start=part.lines):
            row.line = (part.name, index)
        part.lines += len(lines)


def close_parts(folder: Path) -> None:
    """Close this process's part files in `folder`."""
    for key in [key for key in _parts if key[0] == folder]:
        _parts.pop(key).fh.close()


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b""))


@dataclass
class ImportGroup:
    """The import files of one node kind or relationship type: a header file, the part
    files of worker processes (only the lines the spool accepted are kept) and a part of
    the spool's own for the rows it makes into lines itself."""

    folder: Path
    label: str
    edges: bool
    rows: int = 0
    multiline: bool = False
    parts: dict[str, bytearray] = field(default_factory=dict)  # name -> accepted lines
    _own: IO[str] | None = field(default=None, repr=False)

    @property
    def stem(self) -> str:
        return file_stem(self.label, self.edges)

    def write(self, row: VersionedRow) -> bool:
        """Take the row's line (a reference to a part, or text, or made now); False when
        it cannot be written exactly (see `import_line`)."""
        line = row.line or import_line(self.label, self.edges, row)
        if line is None:
            return False
        if isinstance(line, tuple):
            name, index = line
            accepted = self.parts.get(name)
            if accepted is None:
                accepted = self.parts[name] = bytearray()
            if index >= len(accepted):
                accepted.extend(bytes(index + 1 - len(accepted) + 4096))
            accepted[index] = 1
        else:
            if self._own is None:
                self._own = open(self.folder / f"{self.stem}.part-spool.csv", "w",  # noqa: SIM115
                                 encoding="utf-8", newline="", buffering=1 << 20)
            self.multiline = self.multiline or "\r" in line[:-2] or "\n" in line[:-2]
            self._own.write(line)
        self.rows += 1
        return True

    def finish(self) -> None:
        """Write the header; drop from each part the lines that were not accepted."""
        if self._own is not None:
            self._own.close()
        with open(self.folder / f"{self.stem}.header.csv", "w", encoding="utf-8",
                  newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerow(
                columns_of(self.label, self.edges).header)
        for name, accepted in self.parts.items():
            path = self.folder / name
            lines = _count_lines(path)
            if accepted.count(1) == lines:
                continue
            kept = path.with_suffix(".kept")
            with open(path, encoding="utf-8", newline="") as fh, \
                    open(kept, "w", encoding="utf-8", newline="") as out:
                out.writelines(line for index, line in enumerate(fh)
                               if index < len(accepted) and accepted[index])
            kept.replace(path)

    @property
    def argument(self) -> str:
        """The importer's `--nodes=` / `--relationships=` argument: the header file, then
        every part (a regular expression)."""
        stem = re.escape(self.stem)
        files = f"{stem}\\.header\\.csv,{stem}\\.part-.*\\.csv"
        if self.edges:
            return f"--relationships={self.label}={files}"
        labels = ":".join((NODE, self.label, *MODEL.node(self.label).labels))
        return f"--nodes={labels}={files}"


def read_part_lines(folder: Path, parts: Iterable[PartLine]) -> dict[PartLine, str]:
    """The lines these references name, each part file read once (for deferred rows,
    rebuilt from them)."""
    wanted: dict[str, set[int]] = {}
    for name, index in parts:
        wanted.setdefault(name, set()).add(index)
    found: dict[PartLine, str] = {}
    for name, indexes in wanted.items():
        left = set(indexes)
        with open(folder / name, encoding="utf-8", newline="") as fh:
            for number, line in enumerate(fh):
                if number in left:
                    found[name, number] = line
                    left.discard(number)
                    if not left:
                        break
        if left:
            raise LookupError(f"{name} has no line {min(left)}")
    return found


class ImportSpool(Writer):
    """A writer spooling a load into import files in `folder` (see the module); it answers
    no reads but the kinds of the keys it has spooled."""

    name = "import-spool"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, ImportGroup] = {}
        self._deferred: list[tuple[str, bool, VersionedRow]] = []
        self._nodes = NodeMap()  # key -> fingerprint prefix << 4 | kind index
        self._pending: set[str] = set()  # nodes with deferred rows (their edges wait too)
        self._edges = KeySet()

    def _file(self, label: str, edges: bool) -> ImportGroup:
        found = self.files.get(label)
        if found is None:
            found = self.files[label] = ImportGroup(self.folder, label, edges)
        return found

    def transaction(self, work: Callable[[Any], T]) -> T:
        return work(None)

    def write_rows(self, label: str, rows: Iterable[VersionedRow], *,
                   edges: bool) -> WriteResult:
        """Like every store, but in one batch: the spool takes a key's repeats in order."""
        return self.write_batch(label, list(rows), edges=edges)

    def merge(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> Merged:
        merged = Merged(created=0, reached=0, changed={})
        outcomes = self._edges_of(label, rows) if edges else self._nodes_of(label, rows)
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome is None:
                self._deferred.append((label, edges, row))
            elif outcome:
                merged.created += 1
                merged.reached += 1
            elif not edges:  # the same node again, same content
                merged.reached += 1
        return merged

    def _nodes_of(self, kind: str, rows: Sequence[VersionedRow]) -> Iterator[bool | None]:
        """Per row, True: written; False: stored already with this content; None: deferred."""
        index, nodes, pending, file = _KINDS.index(kind), self._nodes, self._pending, \
            self._file(kind, False)
        known_before = nodes.get_all([row.uid for row in rows])
        fresh: dict[str, int] = {}  # keys first spooled in this batch
        for row, before in zip(rows, known_before, strict=True):
            uid = row.uid
            stamp = int(row.fp[:15], 16) << 4 | index
            known = fresh.get(uid, before)
            if known is None:
                fresh[uid] = stamp
                nodes.set(uid, stamp)
                if file.write(row):
                    yield True
                    continue
            elif known == stamp and uid not in pending:
                yield False
                continue
            pending.add(uid)  # this key's later rows follow it online, in order
            yield None

    def _edges_of(self, rel_type: str, rows: Sequence[VersionedRow]) -> Iterator[bool | None]:
        """Per row, True: written; False: skipped (an endpoint is missing); None: deferred."""
        rel = MODEL.rel(rel_type)
        sources, targets = _kind_indexes(rel.source), _kind_indexes(rel.target)
        nodes, pending, file = self._nodes, self._pending, self._file(rel_type, True)
        found = nodes.get_all([key for row in rows for key in (row.source or "", row.target or "")])
        ends = list(zip(found[::2], found[1::2], strict=True))
        linked = [s is not None and t is not None and (s & 0xF) in sources
                  and (t & 0xF) in targets for s, t in ends]
        # a deferred key defers its later rows too: it is added either way
        seen = iter(self._edges.add_all(
            [r.uid for r, ok in zip(rows, linked, strict=True) if ok]))
        for row, ok in zip(rows, linked, strict=True):
            if not ok:
                yield False
            elif (next(seen) or row.source in pending or row.target in pending
                  or not file.write(row)):
                yield None
            else:
                yield True

    @property
    def deferred(self) -> list[tuple[str, bool, VersionedRow]]:
        """The deferred rows so far, in order, each with all its properties."""
        self._rebuild_deferred()
        return self._deferred

    def _rebuild_deferred(self) -> None:
        """Rebuild the deferred rows that carry their import line instead of their
        properties, reading the part files once for all (before `finish` drops from them
        the lines no group accepted)."""
        refs = [row.line for _, _, row in self._deferred if isinstance(row.line, tuple)]
        lines = read_part_lines(self.folder, refs) if refs else {}
        self._deferred = [(label, edges, row_from_line(label, edges, line) if line else row)
                          for label, edges, row in self._deferred
                          for line in [lines[row.line] if isinstance(row.line, tuple)
                                       else row.line]]

    def replace(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> None:
        raise AssertionError("merge() reports no changed rows: they are deferred")

    def finish(self) -> list[ImportGroup]:
        """Complete the files; the groups written, in the order the importer wants (nodes
        first). Parts that no group accepted a line of (all their rows refused) go."""
        close_parts(self.folder)  # those of this process (worker processes have flushed)
        self._rebuild_deferred()
        for group in self.files.values():
            group.finish()
        taken = {name for group in self.files.values() for name in group.parts}
        for path in self.folder.glob("*.part-*.csv"):
            if path.name not in taken and not path.name.endswith(".part-spool.csv"):
                path.unlink()
        written = [g for g in self.files.values() if g.rows]
        return sorted(written, key=lambda g: g.edges)

    # --- the kinds of spooled nodes, for reference checks ----------------------------
    def kinds(self, uids: Iterable[str]) -> dict[str, str]:
        wanted = list(uids)
        found = zip(wanted, self._nodes.get_all(wanted), strict=True)
        return {uid: _KINDS[k & 0xF] for uid, k in found if k is not None}

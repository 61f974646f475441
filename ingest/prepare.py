"""The part of a load that needs nothing from other rows: convert a row (validation and
normalisation), then version its writes (flat properties, fingerprint, provenance).

`Ingestor` does everything else in order (duplicates, references, batches, the run's
counts). For a large source `RowPool` prepares chunks of rows in worker processes while
the ingestor goes on with earlier ones; a small one is prepared in process (`InProcess`),
through the same interface.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from credtrace.graph.model import MODEL
from credtrace.graph.neo4j.bulk import write_parts
from credtrace.graph.store import VersionedRow, versioned
from credtrace.ingest.fields import FieldError, check_lengths
from credtrace.ingest.tables import Table

R = TypeVar("R")
Row = tuple[int, dict[str, str]]  # line, {column: text}
#: Rows a worker prepares at a time.
CHUNK_ROWS = 2000
#: Garbage collector thresholds while loading (see `fewer_collections`).
BULK_GC_THRESHOLDS = (100_000, 50, 100)


class Prepared(NamedTuple):
    """A row's versioned writes: its own key, nodes and relationships by label, the keys
    it refers to (label, key, field) and the warnings about it (field, value, message,
    kind)."""

    key: str
    nodes: list[tuple[str, VersionedRow]]
    edges: list[tuple[str, VersionedRow]]
    refs: list[tuple[str, str, str]]
    warnings: list[tuple[str, str, str, str]]


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely: a load allocates millions of short-lived
    rows and answers without cycles, and each collection would scan them all (about a
    fifth of a load's time at the default thresholds)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(*BULK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _worker_start() -> None:
    gc.set_threshold(*BULK_GC_THRESHOLDS)


@cache
def _declared(label: str, edges: bool) -> tuple[str, ...]:
    return MODEL.rel(label).prop_names if edges else MODEL.node(label).prop_names


def prepare_rows(rows: list[Row], table: Table, source: str, file: str, run_id: str,
                 import_parts: Path | None = None) -> list[Prepared | FieldError]:
    """Each row converted and versioned, with its provenance, or why it is refused; with
    `import_parts` (a folder), the writes go into part files of a bulk import there and
    carry references to their lines (`graph.neo4j.bulk.write_parts`)."""
    prepared: list[Prepared | FieldError] = []
    for line, row in rows:
        try:
            check_lengths(row)
            writes = table.convert(row)
        except FieldError as err:
            prepared.append(err.with_traceback(None))  # no frame cycle to collect
            continue
        provenance = {"source": source, "file": file, "line": line, "run_id": run_id}
        nodes = [(kind, versioned(r, _declared(kind, False), provenance))
                 for kind, r in writes.nodes]
        edges = [(rel, versioned(r, _declared(rel, True), provenance))
                 for rel, r in writes.edges]
        warnings = [(name, row.get(name, ""), message, kind)
                    for name, message, kind in writes.warnings]
        prepared.append(Prepared(writes.key, nodes, edges, writes.refs, warnings))
    if import_parts is not None:
        write_parts(import_parts, ((label, edges, row) for p in prepared
                                   if isinstance(p, Prepared)
                                   for edges, writes in ((False, p.nodes), (True, p.edges))
                                   for label, row in writes))
    return prepared


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class InProcess:
    """Prepares rows in this process."""

    def map(self, work: Callable[..., R], rows: Iterable[Row],
            *args: Any) -> Iterator[tuple[list[Row], R]]:
        """Each chunk of rows with `work`'s answer for it, in order."""
        for chunk in _chunks(rows):
            yield chunk, work(chunk, *args)

    def close(self) -> None:
        """Nothing to release."""


class RowPool(InProcess):
    """Prepares chunks of rows in `workers` processes; answers come back in order, with a
    bounded number of chunks in flight.

    Workers are forks of this process while it has one thread (cheap, and nothing to
    re-import), else come from a fork server (forking a process with other threads
    risks a child inheriting a lock held by one of them). Each chunk travels with its
    table, which pickles (`ingest.tables`).
    """

    def __init__(self, workers: int) -> None:
        method = "fork" if threading.active_count() == 1 else "forkserver"
        self._pool = multiprocessing.get_context(method).Pool(workers, _worker_start)
        self._depth = 2 * workers + 2

    def map(self, work: Callable[..., R], rows: Iterable[Row],
            *args: Any) -> Iterator[tuple[list[Row], R]]:
        pending: deque[tuple[list[Row], Any]] = deque()
        for chunk in _chunks(rows):
            pending.append((chunk, self._pool.apply_async(work, (chunk, *args))))
            if len(pending) > self._depth:
                chunk, answer = pending.popleft()
                yield chunk, answer.get()
        while pending:
            chunk, answer = pending.popleft()
            yield chunk, answer.get()

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

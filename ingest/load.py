"""Entry points: load a canonical bundle (or a BODS / FollowTheMoney file) into a store."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credtrace.graph.model import Label
from credtrace.graph.store import EntityRow, Store
from credtrace.ingest import bods, ftm
from credtrace.ingest.bundle import bundle_files, row_reader
from credtrace.ingest.catalogue import read_catalogue
from credtrace.ingest.errors import BundleError
from credtrace.ingest.interop import Converted, first_record
from credtrace.ingest.pipeline import BATCH_ROWS, Ingestor, IngestReport, Progress
from credtrace.ingest.runs import close_interrupted
from credtrace.ingest.tables import tables

if TYPE_CHECKING:  # the bulk path loads the Neo4j driver: imported when a bulk load runs
    from credtrace.ingest.bulk import Importer, Status

CATALOGUE_FILE = "measure_kinds.csv"
#: Sources this large are prepared in worker processes by default.
PARALLEL_ROWS = 100_000
#: Standard formats: their converters into rows of the canonical tables.
CONVERTERS: dict[str, Callable[[Path], Converted]] = {"bods": bods.convert, "ftm": ftm.convert}
FORMATS = ("bundle", *CONVERTERS)


def count_rows(path: Path) -> int:
    """Data rows in a CSV file (lines less the header), for progress estimates."""
    with open(path, "rb") as fh:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return max(lines - 1, 0)


def load_catalogue(ingestor: Ingestor, catalogue: dict[str, dict[str, object]]) -> None:
    """Write the measure-kind catalogue as `MeasureKind` nodes."""
    prov = {"source": ingestor.report.source, "run_id": ingestor.report.run_id}
    rows = [EntityRow(kind, dict(props), prov) for kind, props in catalogue.items()]
    ingestor.report.writes += ingestor.store.upsert_nodes(Label.MEASURE_KIND, rows)


@dataclass(frozen=True)
class Source:
    """What a load reads: its format, the measure-kind catalogue, how to feed the tables
    to an ingestor and how many rows that makes."""

    format: str
    path: Path
    catalogue: dict[str, dict[str, Any]]
    tables: Callable[[Ingestor], None]
    size: int

    def load(self, ingestor: Ingestor) -> None:
        """Write the catalogue, then every table."""
        load_catalogue(ingestor, self.catalogue)
        self.tables(ingestor)


def bundle_source(folder: Path) -> Source:
    """A canonical bundle folder (headers checked; its own catalogue added to ours)."""
    folder = Path(folder)
    catalogue = read_catalogue()
    if (folder / CATALOGUE_FILE).exists():
        catalogue |= read_catalogue(folder / CATALOGUE_FILE)
    present = bundle_files(folder, tables(set(catalogue)))

    def load(ingestor: Ingestor) -> None:
        for table, path in present:
            ingestor.load_table(table, row_reader(path), path.name)

    return Source("bundle", folder, catalogue, load,
                  sum(count_rows(path) for _, path in present))


def open_source(path: Path, format: str | None = None) -> Source:
    """A bundle folder, BODS or FollowTheMoney file (the format detected when not given)."""
    path = Path(path)
    fmt = _format(path, format)
    if fmt == "bundle":
        return bundle_source(path)
    converted = CONVERTERS[fmt](path)
    catalogue = read_catalogue()
    return Source(fmt, path, catalogue,
                  lambda ingestor: converted.load(ingestor, tables(set(catalogue))),
                  converted.size)


def ingest_bundle(
    store: Store,
    folder: Path,
    *,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> IngestReport:
    """Validate and load a canonical bundle folder; bad rows go to `rejects_path`.

    Each batch of `batch_rows` rows is written in one transaction per node kind or
    relationship type; a rerun after a failure reaches the same final state.

    >>> from credtrace.graph.memory import MemoryStore
    >>> report = ingest_bundle(MemoryStore(), Path("examples/zhengzhou"))
    >>> report.status, report.rejected
    ('succeeded', 0)
    """
    source = bundle_source(folder)
    ingestor = Ingestor(store, source=source.format, path=str(source.path),
                        rejects_path=rejects_path, progress=progress, batch_rows=batch_rows)
    return run_load(ingestor, source.load)


def run_load(ingestor: Ingestor, load: Callable[[Ingestor], None]) -> IngestReport:
    """`load` the data and close the run (failed if `load` raises); runs an earlier loader
    left open are closed as failed first (`ingest.runs`)."""
    close_interrupted(ingestor.store, ingestor.report.run_id)
    try:
        load(ingestor)
    except BaseException:
        ingestor.finish("failed")
        raise
    return ingestor.finish()


def detect_format(path: Path) -> str:
    """bundle for a folder; bods or ftm for a JSON / JSON-lines file, from its first record.

    >>> detect_format(Path("examples/zhengzhou"))
    'bundle'
    """
    path = Path(path)
    if path.is_dir():
        return "bundle"
    if not path.is_file():
        raise BundleError(f"{path}: no such file or folder")
    record = first_record(path) or {}
    if "recordType" in record or "statementId" in record:
        return "bods"
    if "schema" in record and ("properties" in record or "id" in record):
        return "ftm"
    raise BundleError(f"{path.name}: neither a bundle folder, BODS statements nor "
                      "FollowTheMoney entities; give the format (--format)")


def _format(path: Path, format: str | None) -> str:
    if format is None:
        return detect_format(path)
    if format not in FORMATS:
        raise BundleError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    return format


def ingest_path(
    store: Store,
    path: Path,
    *,
    format: str | None = None,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    bulk: Importer | None = None,
    workers: int | None = None,
    say: Status | None = None,
) -> IngestReport:
    """Validate and load a bundle folder, a BODS file or a FollowTheMoney file (the format
    is detected when not given); every row passes the bundle's validation. With `bulk`
    (an importer, see `ingest.bulk`) the store must be an empty Neo4j database, filled
    through the offline importer. `workers` processes prepare rows (default: one per CPU
    for sources of `PARALLEL_ROWS` rows or more, else none).

    >>> from credtrace.graph.memory import MemoryStore
    >>> report = ingest_path(MemoryStore(), Path("examples/zhengzhou"))
    >>> report.source, report.status
    ('bundle', 'succeeded')
    """
    source = open_source(path, format)
    if workers is None:
        workers = (os.cpu_count() or 1) if source.size >= PARALLEL_ROWS else 0
    if bulk is not None:
        from credtrace.graph.neo4j.store import Neo4jStore
        from credtrace.ingest.bulk import ingest_bulk

        if not isinstance(store, Neo4jStore):
            raise BundleError("a bulk load goes into Neo4j: give a neo4j:// or bolt:// store")
        return ingest_bulk(store, source=source.format, path=str(source.path),
                           load=source.load, importer=bulk,
                           rejects_path=rejects_path, progress=progress, workers=workers,
                           say=say)
    ingestor = Ingestor(store, source=source.format, path=str(source.path),
                        rejects_path=rejects_path, progress=progress, workers=workers)
    return run_load(ingestor, source.load)


def bundle_size(folder: Path) -> int:
    """Data rows in a bundle's tables, for a progress bar's total."""
    return sum(count_rows(path) for _, path in bundle_files(Path(folder), tables(set())))


def source_size(path: Path, format: str | None = None) -> int:
    """Rows `ingest_path` will load, for a progress bar's total."""
    path = Path(path)
    fmt = _format(path, format)
    return bundle_size(path) if fmt == "bundle" else CONVERTERS[fmt](path).size

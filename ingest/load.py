"""Entry points: load a canonical bundle (or a BODS / FollowTheMoney file) into a store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.store import EntityRow, Store
from ingest import bods, ftm
from ingest.bundle import BundleError, bundle_files, row_reader
from ingest.catalogue import read_catalogue
from ingest.interop import Converted, first_record
from ingest.pipeline import BATCH_ROWS, Ingestor, IngestReport, Progress
from ingest.tables import tables

CATALOGUE_FILE = "measure_kinds.csv"
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
    ingestor.report.writes += ingestor.store.upsert_nodes("MeasureKind", rows)


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

    >>> from graph.memory import MemoryStore
    >>> report = ingest_bundle(MemoryStore(), Path("examples/zhengzhou"))
    >>> report.status, report.rejected
    ('succeeded', 0)
    """
    folder = Path(folder)
    catalogue = read_catalogue()
    if (folder / CATALOGUE_FILE).exists():
        catalogue |= read_catalogue(folder / CATALOGUE_FILE)
    present = bundle_files(folder, tables(set(catalogue)))

    def load(ingestor: Ingestor) -> None:
        for table, path in present:
            ingestor.load_table(table, row_reader(path), path.name)

    ingestor = Ingestor(store, source="bundle", path=str(folder), rejects_path=rejects_path,
                        progress=progress, batch_rows=batch_rows)
    return run_load(ingestor, catalogue, load)


def run_load(ingestor: Ingestor, catalogue: dict[str, dict[str, Any]],
             load: Callable[[Ingestor], None]) -> IngestReport:
    """Write the catalogue, `load` the data, and close the run (failed if `load` raises)."""
    try:
        load_catalogue(ingestor, catalogue)
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
) -> IngestReport:
    """Validate and load a bundle folder, a BODS file or a FollowTheMoney file (the format
    is detected when not given); every row passes the bundle's validation.

    >>> from graph.memory import MemoryStore
    >>> report = ingest_path(MemoryStore(), Path("examples/zhengzhou"))
    >>> report.source, report.status
    ('bundle', 'succeeded')
    """
    path = Path(path)
    fmt = _format(path, format)
    if fmt == "bundle":
        return ingest_bundle(store, path, rejects_path=rejects_path, progress=progress)
    converted = CONVERTERS[fmt](path)
    catalogue = read_catalogue()
    ingestor = Ingestor(store, source=fmt, path=str(path), rejects_path=rejects_path,
                        progress=progress)
    return run_load(ingestor, catalogue,
                    lambda ingestor: converted.load(ingestor, tables(set(catalogue))))


def bundle_size(folder: Path) -> int:
    """Data rows in a bundle's tables, for a progress bar's total."""
    return sum(count_rows(path) for _, path in bundle_files(Path(folder), tables(set())))


def source_size(path: Path, format: str | None = None) -> int:
    """Rows `ingest_path` will load, for a progress bar's total."""
    path = Path(path)
    fmt = _format(path, format)
    return bundle_size(path) if fmt == "bundle" else CONVERTERS[fmt](path).size

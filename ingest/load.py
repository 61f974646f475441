"""Entry points: load a canonical bundle (or a BODS / FollowTheMoney file) into a store."""

from __future__ import annotations

from pathlib import Path

from graph.store import EntityRow, Store
from ingest.bundle import bundle_files, row_reader
from ingest.catalogue import read_catalogue
from ingest.pipeline import BATCH_ROWS, Ingestor, IngestReport, Progress
from ingest.tables import tables

CATALOGUE_FILE = "measure_kinds.csv"


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
    ingestor = Ingestor(store, source="bundle", path=str(folder), rejects_path=rejects_path,
                        progress=progress, batch_rows=batch_rows)
    try:
        load_catalogue(ingestor, catalogue)
        for table, path in present:
            ingestor.load_table(table, row_reader(path), path.name)
    except BaseException:
        ingestor.finish("failed")
        raise
    return ingestor.finish()


def bundle_size(folder: Path) -> int:
    """Data rows in a bundle's tables, for a progress bar's total."""
    return sum(count_rows(path) for _, path in bundle_files(Path(folder), tables(set())))

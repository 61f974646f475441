"""Read a canonical bundle: a folder of UTF-8 CSV files with a header row.

Values are read as text (IDs stay strings, nothing is guessed) with pandas in chunks, so a
large file streams. A file that is not a bundle table at all is a `BundleError`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from credtrace.ingest.errors import BundleError
from credtrace.ingest.tables import Table

CHUNK_ROWS = 50_000


def read_header(path: Path) -> list[str]:
    """The header row of a CSV file, checked to be UTF-8."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
            for _ in fh:  # decode the whole file once, so bad bytes are found up front
                pass
    except UnicodeDecodeError as exc:
        raise BundleError(
            f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    if not header:
        raise BundleError(f"{path.name}: empty file, a header row is required")
    return [column.strip().lower() for column in header]


def check_header(table: Table, path: Path) -> None:
    """Raise unless the file has every column the table needs."""
    header = read_header(path)
    missing = [c for c in table.columns if c not in header]
    if missing:
        raise BundleError(
            f"{path.name}: line 1: missing column(s) {', '.join(missing)}; "
            f"expected {','.join(table.columns)}"
        )


def row_reader(path: Path) -> Callable[[], Iterator[tuple[int, dict[str, str]]]]:
    """A re-callable iterator over (line number, row) of a checked CSV file."""

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        chunks = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             chunksize=CHUNK_ROWS, skipinitialspace=False)
        for chunk in chunks:
            names = [str(c).strip().lower() for c in chunk.columns]
            for index, values in zip(chunk.index.tolist(), chunk.to_numpy().tolist(),
                                     strict=True):
                yield index + 2, dict(zip(names, values, strict=True))

    return rows


def bundle_files(folder: Path, tables: tuple[Table, ...]) -> list[tuple[Table, Path]]:
    """The bundle's tables that are present, in load order, with headers checked."""
    if not folder.is_dir():
        raise BundleError(f"{folder}: not a folder; a bundle is a folder of CSV files")
    present = [(t, folder / t.file) for t in tables if (folder / t.file).exists()]
    if not present:
        names = ", ".join(t.file for t in tables)
        raise BundleError(f"{folder}: not a credtrace bundle (none of {names})")
    for table, path in present:
        check_header(table, path)
    return present

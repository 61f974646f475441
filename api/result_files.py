"""Streamed result files of the city-wide runs (evaluation, alert sweep): JSON lines, CSV
(UTF-8 with BOM, for Excel) and xlsx (openpyxl's write-only mode: rows go to disk as they
come, a new sheet every `XLSX_SHEET_ROWS`). Each writer takes one row at a time, so a
million rows never sit in memory."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

#: Data rows per sheet (Excel's limit is 1,048,576 with the header).
XLSX_SHEET_ROWS = 1_000_000
FORMATS = ("jsonl", "csv", "xlsx")

Row = dict[str, Any]
Flatten = Callable[[Row], Sequence[Any]]


class _Jsonl:
    def __init__(self, path: Path, header: Sequence[str], flatten: Flatten) -> None:
        self.file = path.open("w", encoding="utf-8")

    def write(self, row: Row) -> None:
        self.file.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")

    def close(self) -> None:
        self.file.close()


class _Csv:
    def __init__(self, path: Path, header: Sequence[str], flatten: Flatten) -> None:
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        self.table, self.flatten = csv.writer(self.file), flatten
        self.table.writerow(header)

    def write(self, row: Row) -> None:
        self.table.writerow(self.flatten(row))

    def close(self) -> None:
        self.file.close()


class _Xlsx:
    def __init__(self, path: Path, header: Sequence[str], flatten: Flatten) -> None:
        from openpyxl import Workbook  # only when an xlsx file is asked for

        self.path, self.header, self.flatten = path, list(header), flatten
        self.book = Workbook(write_only=True)
        self.rows = 0

    def write(self, row: Row) -> None:
        if self.rows % XLSX_SHEET_ROWS == 0:
            sheet = self.book.create_sheet(f"part{self.rows // XLSX_SHEET_ROWS + 1}")
            sheet.append(self.header)
        self.book.worksheets[-1].append(list(self.flatten(row)))
        self.rows += 1

    def close(self) -> None:
        if not self.rows:
            self.book.create_sheet("part1").append(self.header)
        self.book.save(self.path)


SINKS: dict[str, type[_Jsonl | _Csv | _Xlsx]] = {"jsonl": _Jsonl, "csv": _Csv, "xlsx": _Xlsx}


@contextmanager
def writers(out: Path, stem: str, formats: Iterable[str], header: Sequence[str],
            flatten: Flatten) -> Iterator[Callable[[Row], None]]:
    """A function writing one row to `out/stem.<format>` for every format asked."""
    unknown = [f for f in formats if f not in SINKS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)} (one of {', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        sinks = []
        for fmt in formats:
            sink = SINKS[fmt](out / f"{stem}.{fmt}", header, flatten)
            stack.callback(sink.close)
            sinks.append(sink)

        def write(row: Row) -> None:
            for sink in sinks:
                sink.write(row)

        yield write


def read_jsonl(path: Path) -> Iterator[Row]:
    """The rows of a JSON lines file, one at a time."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()

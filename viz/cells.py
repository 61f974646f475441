"""Spreadsheet cells that cannot run: formula neutralisation for CSV and Excel exports.

Exported values come from ingested data (names, notes, legal bases), so a cell may begin
with ``=``, ``+``, ``-``, ``@`` — a formula to a spreadsheet (OWASP, CSV injection). CSV
goes through `defusedcsv` (a maintained writer: ``'`` before a cell beginning with
``= + - @ | %``, pipes escaped; plain numbers such as ``-1.5`` are left alone), and a cell
whose first non-blank character would trigger (``" =1+1"``, ``"\\t=1+1"``) is prefixed the
same way. Excel cells are written as string cells, never formulas, so their text is kept
exactly.

>>> import io
>>> out = io.StringIO(); defused_writer(out).writerow(
...     [" =HYPERLINK(1)", "=1|2", "-1.5", "李娜", 3, None])
>>> out.getvalue()
"' =HYPERLINK(1),'=1\\\\|2,-1.5,李娜,3,\\r\\n"
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from defusedcsv import csv as defusedcsv
from openpyxl import Workbook

TRIGGERS = ("=", "+", "-", "@", "|", "%")


def _blank_led(value: Any) -> Any:
    """A cell whose first non-blank character triggers a formula, prefixed with ``'``
    (`defusedcsv` looks at the first character only)."""
    if isinstance(value, str) and value[:1].isspace() and value.lstrip().startswith(TRIGGERS):
        return "'" + value.replace("|", "\\|")
    return value


class _Writer:
    """`defusedcsv`'s writer with blank-led formulas caught first."""

    def __init__(self, fh: Any) -> None:
        self._writer = defusedcsv.writer(fh)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([_blank_led(v) for v in row])


def defused_writer(fh: Any) -> _Writer:
    """A CSV writer of `fh` whose cells a spreadsheet shows as text."""
    return _Writer(fh)


def _blank(value: Any) -> Any:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """One UTF-8 CSV file with a BOM (Excel reads Chinese), every cell defused."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = defused_writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_blank(v) for v in row])


def text_cells_only(book: Workbook) -> None:
    """Turn every formula cell of `book` back into the text it was given (openpyxl makes a
    string beginning with ``=`` a formula)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"

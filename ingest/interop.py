"""What the standard-format importers (BODS, FollowTheMoney) share.

A source file is read as numbered JSON records: the 1-based index of each item of a JSON
array, or the line number in JSON lines. An importer turns the records into rows of the
canonical tables (`ingest.tables`) plus format-level rejects, collected in a `Converted`
that loads through the same `Ingestor` as a bundle, so every row passes the same
validation and carries the same provenance.

>>> foreign_key(" gb-coh ", "XE9999")
'GB-COH:XE9999'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from credtrace.ingest.errors import BundleError
from credtrace.ingest.fields import FieldError
from credtrace.ingest.identifiers import IdentifierError, validate_ric, validate_uscc
from credtrace.ingest.pipeline import Ingestor, Reject, TableCounts
from credtrace.ingest.tables import Table

Record = tuple[int, dict[str, Any]]
Row = dict[str, str]
SNIFF_CHARS = 1 << 16


def _text(path: Path) -> str:
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"
                          ) from None


def _records(text: str, file: str) -> Iterator[tuple[int, Any, str | None]]:
    """(number, value, JSON error or None) for a JSON array, one JSON object or JSON lines."""
    if text.lstrip().startswith("{"):
        try:
            yield 1, json.loads(text), None
            return
        except json.JSONDecodeError:
            pass  # JSON lines
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BundleError(f"{file}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(items, list):
            raise BundleError(f"{file}: expected a JSON array of records")
        yield from ((index, item, None) for index, item in enumerate(items, 1))
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield number, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"


def first_record(path: Path) -> dict[str, Any] | None:
    """The first record of a JSON array or JSON-lines file, read from its head only."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        head = fh.read(SNIFF_CHARS)
    start = head.lstrip()
    text = start[1:].lstrip() if start.startswith("[") else start
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def foreign_key(scheme: str, ident: str) -> str:
    """`SCHEME:ID`, the key of a party from another register."""
    return f"{scheme.strip().upper()}:{ident.strip()}"


def valid_uscc(value: str) -> str | None:
    """The canonical USCC when `value` is one, else None."""
    try:
        return validate_uscc(value)
    except IdentifierError:
        return None


def valid_ric(value: str) -> str | None:
    """The canonical citizen ID number when `value` is one, else None."""
    try:
        return validate_ric(value).value
    except IdentifierError:
        return None


def iso_day(value: Any, field: str) -> str:
    """A date as text for the canonical converters: a timestamp is cut to its day; the
    converters validate the rest (a partial date such as `1965-11` is refused there)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, repr(value), "expected a date YYYY-MM-DD")
    text = value.strip()
    return text[:10] if len(text) > 10 and text[10] == "T" else text


def is_partial_date(value: str) -> bool:
    """`2019` or `2019-05`: a real but imprecise date (FollowTheMoney prefix dates)."""
    parts = value.split("-")
    return 1 <= len(parts) <= 2 and all(p.isdigit() for p in parts) and len(parts[0]) == 4


@dataclass
class Converted:
    """Rows of the canonical tables from one source file, and the records refused."""

    file: str
    unit: str  # what a record is called: "statements", "entities"
    read: int = 0
    rows: dict[str, list[tuple[int, Row]]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    _seen: set[tuple[str, int, tuple[tuple[str, str], ...]]] = field(default_factory=set)

    def add(self, table: str, line: int, row: Row) -> None:
        """Add a row from record `line`; the same row twice from one record is kept once."""
        ident = (table, line, tuple(sorted(row.items())))
        if ident not in self._seen:
            self._seen.add(ident)
            self.rows.setdefault(table, []).append((line, row))

    def reject(self, line: int, field: str, value: Any, reason: str,
               severity: str = "error", kind: str = "") -> None:
        """Refuse a record (or a part of it); a warning means it loaded, flagged; `kind`
        groups it in the summary (the field when not given)."""
        self.rejects.append(Reject(self.file, line, field, str(value), reason, severity,
                                   kind))

    def refuse(self, line: int, err: FieldError) -> None:
        self.reject(line, err.field, err.value, err.reason)

    @property
    def size(self) -> int:
        """Canonical rows to load, for a progress bar's total."""
        return sum(len(rows) for rows in self.rows.values())

    def counts(self) -> TableCounts:
        """Records read, converted into rows, and refused whole (the rest were superseded
        by a later statement or consumed, as addresses are)."""
        used = {line for rows in self.rows.values() for line, _ in rows}
        refused = {r.line for r in self.rejects if r.severity == "error"} - used
        return TableCounts(self.read, len(used), len(refused))

    def load(self, ingestor: Ingestor, tables: tuple[Table, ...]) -> None:
        """Report the format-level rejects, then load the rows table by table."""
        for reject in self.rejects:
            ingestor.sink.add(reject)
        ingestor.report.tables[self.unit] = self.counts()
        for table in tables:
            rows = self.rows.get(table.name)
            if rows:
                ingestor.load_table(table, partial(iter, rows), self.file)


def read_records(path: Path, out: Converted) -> list[Record]:
    """The JSON objects of `path`, numbered; a line that is not a JSON object is refused."""
    records: list[Record] = []
    for number, value, error in _records(_text(path), path.name):
        out.read += 1
        if error is not None:
            out.reject(number, "(json)", "", error)
        elif not isinstance(value, dict):
            out.reject(number, "(json)", type(value).__name__, "expected a JSON object")
        else:
            records.append((number, value))
    return records

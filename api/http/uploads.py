"""Turn an uploaded bundle into files on disk, safely: a zip of the bundle's CSV files, the
CSV files themselves, or one BODS / FollowTheMoney JSON file.

Only known file names are written (the bundle's tables, `measure_kinds.csv`, or a single
``.json`` / ``.jsonl`` file), by their base name, so an upload can never write elsewhere;
a zip is unpacked member by member with the bytes counted, so a zip bomb stops at the
limit whatever its headers claim.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import IO

from credtrace.api.http.errors import ContentTooLarge
from credtrace.ingest.load import CATALOGUE_FILE
from credtrace.ingest.tables import tables
from credtrace.queries.common import InvalidInput

TABLE_FILES = frozenset({t.file for t in tables(set())} | {CATALOGUE_FILE})
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
CHUNK = 1 << 20


def _copy(source: IO[bytes], target: Path, budget: int) -> int:
    """Copy at most `budget` bytes; returns the bytes written (413 beyond the budget)."""
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > budget:
                raise ContentTooLarge("the unpacked bundle is larger than the service allows")
            out.write(chunk)
    return written


def _table_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    if base not in TABLE_FILES:
        raise InvalidInput(f"{base or name!r} is not a bundle file; expected "
                           f"{', '.join(sorted(TABLE_FILES))}")
    return base


def _unzip(source: IO[bytes], folder: Path, budget: int) -> list[str]:
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise InvalidInput("the upload is not a readable zip file") from None
    names: list[str] = []
    with archive:
        for member in archive.infolist():
            parts = PurePosixPath(member.filename).parts
            if member.is_dir() or any(p.startswith((".", "__MACOSX")) for p in parts):
                continue
            name = _table_name(member.filename)
            if name in names:
                raise InvalidInput(f"{name} appears twice in the zip")
            with archive.open(member) as data:
                budget -= _copy(data, folder / name, budget)
            names.append(name)
    if not names:
        raise InvalidInput("the zip holds no bundle file")
    return names


def unpack(uploads: Sequence[tuple[str, IO[bytes]]], folder: Path,
           budget: int) -> tuple[Path, list[str]]:
    """Write the uploads into `folder`; returns what to ingest and the files written."""
    if not uploads:
        raise InvalidInput("upload a zip, the bundle's CSV files, or one JSON file")
    if len(uploads) == 1:
        raw, data = uploads[0]
        base = PurePosixPath(raw.replace("\\", "/")).name.lower()
        if base.endswith(".zip"):
            return folder, _unzip(data, folder, budget)
        if base.endswith(JSON_SUFFIXES):
            target = folder / ("upload" + PurePosixPath(base).suffix)
            _copy(data, target, budget)
            return target, [raw]
    written: list[str] = []
    for raw, data in uploads:
        name = _table_name(raw)
        if name in written:
            raise InvalidInput(f"{name} uploaded twice")
        budget -= _copy(data, folder / name, budget)
        written.append(name)
    return folder, written


def clear(folder: Path) -> None:
    """Remove an unpacked upload."""
    shutil.rmtree(folder, ignore_errors=True)

"""The catalogue of measure kinds (domain.md §5) is data: a CSV shipped with credtrace,
extended or overridden by a bundle's own `measure_kinds.csv`.

>>> sorted(read_catalogue())[:2]
['executive_disqualification', 'heightened_inspection']
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.fields import FieldError, parse_bool, required, split_list

DEFAULT_FILE = "measure_kinds.csv"
COLUMNS = ("kind", "reaches_persons", "roles", "scenarios")


def parse_kind(row: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """One catalogue row as (kind, MeasureKind properties)."""
    kind = required(row.get("kind"), "kind").lower()
    severity = (row.get("severity") or "1").strip()
    if not severity.isdigit():
        raise FieldError("severity", severity, "expected a whole number")
    return kind, {
        "name_zh": (row.get("name_zh") or "").strip() or kind,
        "reaches_persons": parse_bool(row.get("reaches_persons"), "reaches_persons"),
        "roles": split_list(row.get("roles")),
        "scenarios": split_list(row.get("scenarios")),
        "forbids_roles": split_list(row.get("forbids_roles")),
        "severity": int(severity),
    }


def read_catalogue(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The shipped catalogue, or the one in `path` (a CSV with at least COLUMNS)."""
    if path is None:
        text = resources.files("ingest.data").joinpath(DEFAULT_FILE).read_text("utf-8")
    else:
        text = path.read_text("utf-8-sig")
    return dict(parse_kind(row) for row in csv.DictReader(text.splitlines()))

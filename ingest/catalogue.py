"""The catalogue of measure kinds (domain.md §5) is data: a CSV shipped with credtrace,
extended or overridden by a bundle's own `measure_kinds.csv`.

The law changes, so a kind may have several rows: each a *version* of its rules, in force
from `valid_from` (empty: always) until `valid_to` (exclusive; empty: still in force).
Versions of one kind may not overlap. A kind's node carries its latest version's fields
and every version as JSON (`versions`); `queries.common.MeasureKind.on` picks the version
in force on a decision date. The optional columns are documented in docs/law.md.

>>> catalogue = read_catalogue()
>>> sorted(catalogue)[:2]
['administrative_penalty', 'bankruptcy_liquidation']
>>> [v["roles"] for v in json.loads(catalogue["high_consumption_restriction"]["versions"])]
... # doctest: +NORMALIZE_WHITESPACE
[['legal_representative', 'principal', 'directly_responsible'],
 ['legal_representative', 'principal', 'actual_controller', 'directly_responsible']]
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any

from credtrace.ingest.fields import FieldError, choice, parse_bool, parse_date, required, split_list
from credtrace.ingest.sectors import codes, sector

DEFAULT_FILE = "measure_kinds.csv"
COLUMNS = ("kind", "reaches_persons", "roles", "scenarios")
SEVERITY_CLASSES = ("minor", "general", "serious")
GRADES = ("a", "b", "c", "d")
#: Which date picks the version of a measure's rules.
DATED_BY = ("decision", "conduct")


class CatalogueError(ValueError):
    """A catalogue row that cannot be read (file, line, field, reason)."""


def _whole(row: dict[str, str], name: str, default: str = "") -> int | None:
    raw = (row.get(name) or default).strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise FieldError(name, raw, "expected a whole number")
    return int(raw)


def _optional(row: dict[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = (row.get(name) or "").strip()
    return choice(raw, name, allowed) if raw else None


def parse_version(row: dict[str, str]) -> dict[str, Any]:
    """One catalogue row as a version of its kind's rules."""
    valid_from = parse_date(row.get("valid_from"), "valid_from")
    valid_to = parse_date(row.get("valid_to"), "valid_to")
    if valid_from and valid_to and valid_to <= valid_from:
        raise FieldError("valid_to", valid_to, f"not after valid_from {valid_from}")
    low, high = _whole(row, "publication_min_months"), _whole(row, "publication_max_months")
    if low is not None and high is not None and low > high:
        raise FieldError("publication_min_months", str(low), f"above the maximum {high}")
    responsibility = _optional(row, "personal_responsibility", ("required",))
    sectors = [sector(word) or "" for word in split_list(row.get("sectors"))]
    unknown = sorted(set(sectors) - codes())
    if unknown:
        raise FieldError("sectors", ";".join(unknown), "not in ingest/data/sectors.csv")
    return {
        "valid_from": valid_from, "valid_to": valid_to,
        "name_zh": (row.get("name_zh") or "").strip(),
        "reaches_persons": parse_bool(row.get("reaches_persons"), "reaches_persons"),
        "roles": split_list(row.get("roles")),
        "scenarios": split_list(row.get("scenarios")),
        "forbids_roles": split_list(row.get("forbids_roles")),
        "severity": _whole(row, "severity", "1"),
        "severity_class": _optional(row, "severity_class", SEVERITY_CLASSES),
        "publication_min_months": low, "publication_max_months": high,
        "repair_conditions": split_list(row.get("repair_conditions")),
        "grade_cap": (_optional(row, "grade_cap", GRADES) or "").upper() or None,
        "period_months": _whole(row, "period_months"),
        "personal_responsibility": responsibility == "required",
        "publish_within_workdays": _whole(row, "publish_within_workdays"),
        "legal_basis": (row.get("legal_basis") or "").strip() or None,
        "dated_by": _optional(row, "dated_by", DATED_BY) or "decision",
        "sectors": sorted(sectors),
    }


def _overlap(versions: list[dict[str, Any]]) -> str | None:
    """Why versions sorted by `valid_from` overlap, if they do (a sector's versions are
    compared with each other only: they take precedence over the general ones)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for version in versions:
        groups.setdefault(tuple(version["sectors"]), []).append(version)
    return next(filter(None, map(_overlap_in, groups.values())), None)


def _overlap_in(versions: list[dict[str, Any]]) -> str | None:
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier["valid_to"] is None or (later["valid_from"] or "") < earlier["valid_to"]:
            return (f"version from {later['valid_from'] or 'the start'} overlaps the one "
                    f"until {earlier['valid_to'] or 'open end'}")
    return None


def kind_props(kind: str, versions: list[dict[str, Any]]) -> dict[str, Any]:
    """A kind's node properties: its latest general version, and every version as JSON."""
    latest = next((v for v in reversed(versions) if not v["sectors"]), versions[-1])
    return {
        "name_zh": latest["name_zh"] or kind,
        **{k: latest[k] for k in ("reaches_persons", "roles", "scenarios", "forbids_roles",
                                  "severity")},
        "versions": json.dumps(versions, ensure_ascii=False, sort_keys=True),
    }


def parse_catalogue(text: str, name: str = DEFAULT_FILE) -> dict[str, dict[str, Any]]:
    """Catalogue CSV text as {kind: node properties}; an unreadable row is a
    `CatalogueError` naming file, line, field and reason."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, int] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            kind = required(row.get("kind"), "kind").lower()
            by_kind.setdefault(kind, []).append(parse_version(row))
        except FieldError as exc:
            raise CatalogueError(f"{name}: line {line}: {exc}") from None
        lines[kind] = line
    result = {}
    for kind, versions in by_kind.items():
        versions.sort(key=lambda v: v["valid_from"] or "")
        reason = _overlap(versions)
        if reason:
            raise CatalogueError(f"{name}: line {lines[kind]}: field valid_from: "
                                 f"{kind}: {reason}")
        result[kind] = kind_props(kind, versions)
    return result


def read_catalogue(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The shipped catalogue, or the one in `path` (a CSV with at least COLUMNS)."""
    if path is None:
        text = resources.files("credtrace.ingest.data").joinpath(DEFAULT_FILE).read_text("utf-8")
        return parse_catalogue(text)
    return parse_catalogue(path.read_text("utf-8-sig"), path.name)

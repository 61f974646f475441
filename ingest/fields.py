"""Normalise at the door: one canonical form per value, or a `FieldError` saying why not.

>>> parse_date("2021-06-30", "end")
'2021-06-30'
>>> parse_percentage("51.5", "percentage")
51.5
"""

from __future__ import annotations

import math
import re
from datetime import date

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FieldError(ValueError):
    """A value that cannot be accepted, with the field it came from."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(f"{field}={value!r}: {reason}")
        self.field, self.value, self.reason = field, value, reason

    def __reduce__(self) -> tuple[type[FieldError], tuple[str, str, str]]:
        return FieldError, (self.field, self.value, self.reason)  # from a worker process


#: The longest value a field may hold (a legal basis or note runs to a few hundred).
MAX_FIELD_CHARS = 4000
PREVIEW = 40


def check_lengths(row: dict[str, str]) -> None:
    """Refuse a row with a value longer than `MAX_FIELD_CHARS` (named, with a preview).

    >>> check_lengths({"name": "张" * 4001})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    credtrace.ingest.fields.FieldError: name='张张...…': 4001 characters, more than the 4000 a ...
    """
    for name, value in row.items():
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise FieldError(str(name), value[:PREVIEW] + "…",
                             f"{len(value)} characters, more than the {MAX_FIELD_CHARS} a "
                             "field may hold")


def text(value: str | None) -> str | None:
    """Stripped text, None when empty."""
    value = (value or "").strip()
    return value or None


def required(value: str | None, field: str) -> str:
    """Stripped, non-empty text."""
    result = text(value)
    if result is None:
        raise FieldError(field, value or "", "is required")
    return result


def parse_date(value: str | None, field: str, *, required_: bool = False) -> str | None:
    """An ISO date `YYYY-MM-DD` (validated), None when empty and not required."""
    raw = text(value)
    if raw is None:
        if required_:
            raise FieldError(field, "", "date is required")
        return None
    if not _ISO_DATE.match(raw):
        raise FieldError(field, raw, "not an ISO date YYYY-MM-DD")
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError as exc:
        raise FieldError(field, raw, f"impossible date ({exc})") from None


def parse_interval(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """`[start, end)` with end after start; either may be empty."""
    s, e = parse_date(start, "start"), parse_date(end, "end")
    if s is not None and e is not None and e <= s:
        raise FieldError("end", e, f"end must be after start {s}")
    return s, e


def parse_percentage(value: str | None, field: str, *, required_: bool = True) -> float | None:
    """A percentage 0–100 as a number rounded to 4 decimals."""
    raw = text(value)
    if raw is None:
        if required_:
            raise FieldError(field, "", "percentage is required")
        return None
    raw = raw.removesuffix("%")
    try:
        number = float(raw)
    except ValueError:
        raise FieldError(field, raw, "not a number") from None
    if math.isnan(number) or not 0 <= number <= 100:
        raise FieldError(field, raw, "percentage must be between 0 and 100")
    return round(number, 4)


def parse_number(value: str | None, field: str) -> float | None:
    """A non-negative number, None when empty."""
    raw = text(value)
    if raw is None:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise FieldError(field, raw, "not a number") from None
    if math.isnan(number) or number < 0:
        raise FieldError(field, raw, "must be a non-negative number")
    return number


def parse_bool(value: str | None, field: str) -> bool:
    """true/false, yes/no, 1/0, 是/否."""
    raw = (text(value) or "").lower()
    if raw in ("true", "yes", "1", "是", "y"):
        return True
    if raw in ("false", "no", "0", "否", "n", ""):
        return False
    raise FieldError(field, raw, "expected true or false")


def choice(value: str | None, field: str, allowed: tuple[str, ...] | set[str]) -> str:
    """One of `allowed` (case-insensitive, canonical lower-case)."""
    raw = required(value, field).lower()
    if raw not in allowed:
        raise FieldError(field, raw, f"unknown value; expected one of {', '.join(sorted(allowed))}")
    return raw


def split_list(value: str | None) -> list[str]:
    """A `;`-separated list, stripped, empty items dropped."""
    return [item.strip() for item in (value or "").split(";") if item.strip()]

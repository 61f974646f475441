"""Validity intervals `[start, end)` with unknown ends, as three-valued answers.

Dates are ISO strings (``YYYY-MM-DD``) everywhere, so they compare as text in both stores.
An empty start means *unknown*; an empty end means *still valid*.

>>> validity("2019-03-01", "2021-06-30", "2022-01-01")
<Validity.NO: 'no'>
>>> validity(None, None, "2022-01-01")
<Validity.UNCERTAIN: 'uncertain'>
"""

from __future__ import annotations

from enum import StrEnum


class Validity(StrEnum):
    """Whether an interval holds on a date."""

    YES = "yes"
    NO = "no"
    UNCERTAIN = "uncertain"


def validity(start: str | None, end: str | None, on: str) -> Validity:
    """Whether `[start, end)` holds on `on`; an unknown start makes it uncertain."""
    if not possibly_valid(start, end, on):
        return Validity.NO
    return Validity.UNCERTAIN if start is None else Validity.YES


def possibly_valid(start: str | None, end: str | None, on: str) -> bool:
    """True unless the interval certainly does not hold on `on` (the stores' date filter,
    and where `validity` says NO)."""
    return (end is None or on < end) and (start is None or start <= on)


def uncertainty_reason(start: str | None, end: str | None, on: str) -> str:
    """Why validity on `on` is uncertain, in words an investigator can act on."""
    until = f"until {end}" if end else "with no end recorded"
    return f"start date unknown (interval ? – {until}); cannot tell whether it held on {on}"

"""Working days in China (法定节假日 and 调休 make-up working days), for publication
deadlines such as 双公示 (7 working days).

The State Council publishes each year's holiday schedule late in the year before, so no
calendar knows years ahead. Days come from the maintained `chinese-calendar` package
(years it covers) and from `workday_overrides.csv` (date, day_type holiday|workday,
note): a year present in that file is taken as fully listed there and known (its weekdays
are working days and its weekends rest days unless listed). A day of any other year is
refused (`BeyondCalendar`), never guessed.

>>> cal = WorkCalendar()
>>> cal.add_workdays(date(2026, 2, 13), 7)  # Spring Festival 2026: 2-15..2-23 off, 2-28 on
datetime.date(2026, 3, 2)
>>> cal.is_workday(date(2026, 2, 14)), cal.is_workday(date(2026, 2, 16))
(True, False)
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import chinese_calendar

from credtrace.queries.common import InvalidInput

OVERRIDES_FILE = "workday_overrides.csv"
DAY_TYPES = {"holiday": False, "workday": True}
#: Most working days a deadline may count.
MAX_WORKDAYS = 366


class BeyondCalendar(InvalidInput):
    """A day in a year no known holiday schedule covers."""


def package_years() -> set[int]:
    """Years `chinese-calendar` covers (those with any holiday in its tables)."""
    return {d.year for d in chinese_calendar.holidays}


def read_overrides(text: str, name: str = OVERRIDES_FILE) -> dict[date, bool]:
    """Override rows as {day: is a working day}; an unreadable row is `InvalidInput`
    naming file, line and field."""
    days: dict[date, bool] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            day = date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            raise InvalidInput(f"{name}: line {line}: field date: not an ISO date") from None
        kind = (row.get("day_type") or "").strip().lower()
        if kind not in DAY_TYPES:
            raise InvalidInput(f"{name}: line {line}: field day_type: {kind!r} is not "
                               f"holiday or workday")
        days[day] = DAY_TYPES[kind]
    return days


class WorkCalendar:
    """Which days are working days, for the years some schedule covers."""

    def __init__(self, overrides: dict[date, bool] | None = None) -> None:
        if overrides is None:
            data = resources.files("credtrace.queries.data")
            text = data.joinpath(OVERRIDES_FILE).read_text("utf-8")
            overrides = read_overrides(text)
        self.overrides = overrides
        self.override_years = {d.year for d in overrides}
        self.known_years = package_years() | self.override_years

    @classmethod
    def with_file(cls, path: Path) -> WorkCalendar:
        """The shipped overrides plus those of `path` (which win)."""
        base = cls()
        return cls(base.overrides | read_overrides(path.read_text("utf-8-sig"), path.name))

    def is_workday(self, day: date) -> bool:
        """Whether `day` is a working day; `BeyondCalendar` outside the known years."""
        if day.year in self.override_years:
            return self.overrides.get(day, day.weekday() < 5)
        if day.year not in self.known_years:
            raise BeyondCalendar(
                f"{day.isoformat()}: no holiday schedule for {day.year} (known: "
                f"{min(self.known_years)}–{max(self.known_years)}); add it to "
                f"{OVERRIDES_FILE}")
        return bool(chinese_calendar.is_workday(day))

    def add_workdays(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the day itself not counted)."""
        if not 0 < count <= MAX_WORKDAYS:
            raise InvalidInput(f"working days must be 1..{MAX_WORKDAYS}, got {count}")
        day = start
        while count:
            day += timedelta(days=1)
            count -= self.is_workday(day)
        return day

"""Property tests of the dated-rule arithmetic (issue 15): calendar months and working-day
deadlines hold their definitions on any date the calendar knows; a measure's sector picks
Order No. 58's one-year minimum and nothing else."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from credtrace.graph import Node
from credtrace.graph.law import add_months, publication_window
from credtrace.ingest.catalogue import read_catalogue
from credtrace.queries.common import kind_of_node
from credtrace.queries.workdays import WorkCalendar

CALENDAR = WorkCalendar()
PENALTY = kind_of_node(Node("MeasureKind", "administrative_penalty",
                            read_catalogue()["administrative_penalty"]))
KNOWN = st.dates(date(min(CALENDAR.known_years), 1, 1), date(max(CALENDAR.known_years), 11, 1))


@given(st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.integers(0, 60))
def test_adding_months_lands_in_the_right_month_on_the_same_day_or_its_end(
        day: date, months: int) -> None:
    result = date.fromisoformat(add_months(day.isoformat(), months))
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day
                                     and (result + timedelta(days=1)).day == 1)


@given(KNOWN, st.integers(1, 20))
def test_a_deadline_is_the_nth_working_day_after_the_decision(day: date, n: int) -> None:
    deadline = CALENDAR.add_workdays(day, n)
    between = [day + timedelta(days=i) for i in range(1, (deadline - day).days + 1)]
    assert CALENDAR.is_workday(deadline)
    assert sum(map(CALENDAR.is_workday, between)) == n


@given(st.dates(date(2019, 1, 1), date(2030, 12, 31)), st.integers(0, 12), st.integers(0, 36))
def test_repair_never_comes_after_the_end_of_publication(day: date, low: int,
                                                         extra: int) -> None:
    window = publication_window(day.isoformat(), {"publication_min_months": low,
                                                  "publication_max_months": low + extra})
    assert window.repair_from is not None and window.ends_on is not None
    assert day.isoformat() <= window.repair_from <= window.ends_on


SECTORS = st.sampled_from([None, "fire", "work_safety", "special_equipment", "food", "drugs",
                           "environment", "渔业"])
ORDER_58 = ("2023-05-01", "2026-04-01")
ONE_YEAR = {"fire", "work_safety", "special_equipment", "food", "drugs"}


@given(st.dates(date(2015, 1, 1), date(2032, 12, 31)), SECTORS)
def test_a_sector_changes_the_window_only_under_order_58_in_its_five_sectors(
        day: date, sector: str | None) -> None:
    kind = PENALTY.on(day.isoformat(), sector)
    general = PENALTY.on(day.isoformat())
    special = ORDER_58[0] <= day.isoformat() < ORDER_58[1] and sector in ONE_YEAR
    assert kind.sectors == (tuple(sorted(ONE_YEAR)) if special else ())
    assert kind.publication_min_months == (12 if special else general.publication_min_months)
    assert kind.publication_max_months == general.publication_max_months

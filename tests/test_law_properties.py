"""Property tests of the dated-rule arithmetic (issue 15): calendar months and working-day
deadlines hold their definitions on any date the calendar knows."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graph.law import add_months, publication_window
from queries.workdays import WorkCalendar

CALENDAR = WorkCalendar()
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

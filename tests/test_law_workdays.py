"""Working-day deadlines (issue 15): 双公示 within 7 working days across the 2026 Spring
Festival and its make-up days; refusing to guess beyond the known years; the disclosure
report on both stores and through the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import MemoryStore, Store
from credtrace.queries.disclosure import disclosure
from credtrace.queries.workdays import BeyondCalendar, WorkCalendar, read_overrides
from tests.builders import Bundle

#: 2026 Spring Festival: 2-15 (Sun) to 2-23 (Mon) off; Saturdays 2-14 and 2-28 worked.
DECIDED = "2026-02-13"


def test_seven_working_days_across_the_spring_festival_and_its_make_up_days() -> None:
    calendar = WorkCalendar()
    assert calendar.add_workdays(date(2026, 2, 13), 7) == date(2026, 3, 2)
    assert [calendar.is_workday(date(2026, 2, d)) for d in (14, 16, 23, 24, 28)] == \
        [True, False, False, True, True]
    # a weekends-only calendar would have said 2026-02-24


def test_a_year_without_a_schedule_is_refused_not_guessed() -> None:
    calendar = WorkCalendar(overrides={})
    last = max(calendar.known_years)
    with pytest.raises(BeyondCalendar, match=f"no holiday schedule for {last + 1}"):
        calendar.add_workdays(date(last, 12, 28), 7)


def test_an_override_year_is_known_and_its_listed_days_win() -> None:
    overrides = read_overrides("date,day_type,note\n2031-01-01,holiday,元旦\n"
                               "2031-01-04,workday,调休\n")
    calendar = WorkCalendar(overrides)
    assert calendar.add_workdays(date(2031, 1, 1), 2) == date(2031, 1, 3)  # Thu, Fri
    assert calendar.is_workday(date(2031, 1, 4)) and not calendar.is_workday(date(2031, 1, 1))


def penalties() -> Bundle:
    """Three penalty decisions of 郑州市市场监督管理局 on 2026-02-13 (deadline 2026-03-02)."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司")
    b.measure("P1", "A", "administrative_penalty", conduct="2026-01-05", start=DECIDED,
              published="2026-02-27")
    b.measure("P2", "A", "administrative_penalty", conduct="2026-01-05", start=DECIDED,
              published="2026-03-03")
    b.measure("P3", "A", "administrative_penalty", conduct="2026-01-05", start=DECIDED)
    b.measure("J1", "A", "joint_punishment", conduct="2026-01-05", start=DECIDED)  # no deadline
    return b


def test_the_disclosure_report_says_on_time_late_and_overdue(store: Store,
                                                              tmp_path: Path) -> None:
    penalties().load(store, tmp_path)
    answer = disclosure(store, as_of="2026-03-10")
    assert [(r["measure"], r["deadline"], r["published"], r["status"])
            for r in answer["decisions"]] == [
        ("P1", "2026-03-02", "2026-02-27", "on_time"),
        ("P2", "2026-03-02", "2026-03-03", "late"),
        ("P3", "2026-03-02", None, "overdue"),
    ]
    assert answer["counts"] == {"late": 1, "on_time": 1, "overdue": 1}
    assert disclosure(store, as_of="2026-03-02")["decisions"][2]["status"] == "pending"


def test_the_disclosure_verb_prints_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = MemoryStore(folder)
    penalties().load(store, tmp_path / "bundle")
    store.close()
    result = CliRunner().invoke(app, ["disclosure", "--store", f"memory:{folder}",
                                      "--as-of", "2026-03-10", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"] == {"late": 1, "on_time": 1, "overdue": 1}

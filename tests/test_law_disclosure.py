"""Which decisions fall under which publication deadline is catalogue data (issue 15):
licensing and penalty decisions within 7 working days (双公示), the market regulator's
registration information within 20 (《企业信息公示暂行条例》 art. 6); the disclosure
report shows both, across the 2026 Spring Festival and its make-up days. Both stores."""

from __future__ import annotations

import json
from pathlib import Path

from credtrace.graph import Store
from credtrace.queries.alerts import alerts
from credtrace.queries.check import check
from credtrace.queries.disclosure import disclosure
from credtrace.queries.score import score
from tests.builders import Bundle

#: 2026 Spring Festival: 2-15 (Sun) to 2-23 (Mon) off; Saturdays 2-14 and 2-28 worked.
DECIDED = "2026-02-13"
REGULATOR = "郑州市市场监督管理局"


def decisions() -> Bundle:
    """Decisions on 郑州华信商贸 of 2026-02-13: a penalty and a licence (7 working days:
    2026-03-02), a change registration (20 working days: 2026-03-19); one of another
    authority; a registration of 2026-03-20."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司")
    b.measure("P1", "A", "administrative_penalty", conduct="2026-01-05", start=DECIDED,
              published="2026-03-02")
    b.measure("L1", "A", "licensing_decision", conduct=DECIDED, start=DECIDED,
              published="2026-03-03")
    b.measure("R1", "A", "registration_information", conduct=DECIDED, start=DECIDED,
              published="2026-03-19")
    b.measure("R2", "A", "registration_information", conduct=DECIDED, start=DECIDED,
              published="2026-03-20")
    b.measure("R3", "A", "registration_information", conduct="2026-03-20",
              start="2026-03-20")
    b.measure("T1", "A", "administrative_penalty", conduct="2026-01-05", start=DECIDED,
              authority="国家税务总局郑州市税务局")
    return b


def test_the_report_shows_the_7_and_the_20_working_day_deadlines(store: Store,
                                                                  tmp_path: Path) -> None:
    decisions().load(store, tmp_path)
    answer = disclosure(store, as_of="2026-03-20", authority=REGULATOR, until="2026-02-28")
    assert [(r["measure"], r["within_workdays"], r["deadline"], r["status"])
            for r in answer["decisions"]] == [
        ("L1", 7, "2026-03-02", "late"),
        ("P1", 7, "2026-03-02", "on_time"),
        ("R1", 20, "2026-03-19", "on_time"),
        ("R2", 20, "2026-03-19", "late"),
    ]
    assert answer["by_deadline"] == {"7": 2, "20": 2}
    assert "第六条" in answer["decisions"][2]["rule"]
    everything = disclosure(store, as_of="2026-03-20")
    assert {r["measure"]: r["status"] for r in everything["decisions"]}["T1"] == "overdue"
    assert {r["measure"]: r["status"] for r in everything["decisions"]}["R3"] == "pending"
    later = disclosure(store, as_of="2026-03-20", since="2026-03-01")
    assert [r["measure"] for r in later["decisions"]] == ["R3"]


def test_registration_and_licensing_records_do_not_lower_the_score(
        store: Store, tmp_path: Path) -> None:
    b = decisions()
    b.load(store, tmp_path)
    contributions = score(store, b.uscc("A"), as_of="2026-03-20")["contributions"]
    assert sorted(c["source"] for c in contributions if c["type"] == "own") == ["P1", "T1"]


def test_a_registration_record_is_no_sanction_for_checks_or_alerts(store: Store,
                                                                   tmp_path: Path) -> None:
    b = decisions()
    b.enterprise("B", "郑州新华信贸易有限公司")
    b.person("王强", "王强")
    b.role("A", "王强", "legal_representative", "2020-01-01")
    b.role("B", "王强", "legal_representative", "2020-01-01")
    b.measure("R9", "B", "registration_information", conduct=DECIDED, start=DECIDED)
    b.load(store, tmp_path)
    assert check(store, b.uscc("B"), as_of="2026-03-20")["applies"] is False
    assert [m["measure"] for m in check(store, b.uscc("A"), as_of="2026-03-20")["measures"]] \
        == ["P1", "T1"]
    answer = json.dumps(alerts(store, as_of="2026-03-20"), ensure_ascii=False)
    assert "R9" not in answer and "R1" not in answer and "P1" in answer

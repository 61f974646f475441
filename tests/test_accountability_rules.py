"""R1 (who is reached, when) and R3 (due process) with concrete dates, on both stores.

Every bundle goes through real ingestion; the answers are read through `accountable` (the
enterprise's view) and `check` (the person's view), which must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credtrace.graph import Store
from credtrace.queries.accountability import accountable
from credtrace.queries.check import check
from tests.builders import Bundle

CONDUCT = "2021-06-15"
START = "2021-09-01"
#: A catalogue entry whose kind names managers (extends the shipped catalogue).
TAX_KINDS = (
    "kind,name_zh,reaches_persons,roles,scenarios,severity\n"
    "tax_blacklist,重大税收违法失信,true,legal_representative;manager;actual_controller,"
    "procurement;bidding,3\n"
)


def reached(answer: dict[str, Any]) -> list[str]:
    return sorted(entry["name"] for entry in answer["reached"])


def in_force(store: Store, bundle: Bundle, label: str, as_of: str) -> list[tuple[str, str]]:
    """(measure, status) of the measures in force on a person or enterprise."""
    answer = check(store, bundle.key(label), as_of=as_of)
    return [(m["measure"], m["state"]["status"]) for m in answer["measures"]]


def sanctioned_company(kind: str = "joint_punishment") -> Bundle:
    """郑州华信商贸 under `kind` for conduct on 2021-06-15; 张伟 its legal representative."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.person("张伟", "张伟")
    b.role("A", "张伟", "legal_representative", "2016-04-12")
    b.measure("M1", "A", kind, conduct=CONDUCT, start=START)
    return b


@pytest.mark.parametrize(("change", "who", "not_who"), [
    ("2021-06-14", "李娜", "张伟"),  # changed the day before: the new one held it on d
    ("2021-06-15", "李娜", "张伟"),  # changed on d: [start, end), the new one held it
    ("2021-06-16", "张伟", "李娜"),  # changed the day after: the old one still held it
])
def test_legal_representative_changed_around_the_conduct_date(
        store: Store, tmp_path: Path, change: str, who: str, not_who: str) -> None:
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.person("张伟", "张伟")
    b.person("李娜", "李娜")
    b.role("A", "张伟", "legal_representative", "2016-04-12", change)
    b.role("A", "李娜", "legal_representative", change)
    b.measure("M1", "A", "joint_punishment", conduct=CONDUCT, start=START)
    b.load(store, tmp_path)
    assert reached(accountable(store, b.uscc("A"), as_of="2022-01-01")) == [who]
    assert in_force(store, b, who, "2022-01-01") == [("M1", "active")]
    assert in_force(store, b, not_who, "2022-01-01") == []
    assert check(store, b.key(not_who), as_of="2022-01-01")["uncertain"] == []


def test_manager_with_unknown_start_is_reached_only_as_uncertain(
        store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.person("赵强", "赵强")
    b.person("王芳", "王芳")
    b.role("A", "赵强", "manager")  # start unknown
    b.role("A", "王芳", "manager", "2020-01-01")
    b.measure("TAX-1", "A", "tax_blacklist", conduct=CONDUCT, start=START)
    b.write(tmp_path)
    (tmp_path / "measure_kinds.csv").write_text(TAX_KINDS, encoding="utf-8")
    b.load(store, tmp_path)

    answer = check(store, b.key("赵强"), as_of="2022-01-01")
    assert answer["measures"] == [] and answer["applies"] is False
    (item,) = answer["uncertain"]  # M1 (joint punishment) does not name managers at all
    assert (item["measure"], item["roles"], item["derived"]) == ("TAX-1", ["manager"], True)
    assert "start date unknown" in item["reason"] and "2021-06-15" in item["reason"]
    assert in_force(store, b, "王芳", "2022-01-01") == [("TAX-1", "active")]
    assert in_force(store, b, "张伟", "2022-01-01") == [("M1", "active"), ("TAX-1", "active")]
    tax = accountable(store, b.uscc("A"), measure_id="TAX-1", as_of="2022-01-01")
    assert reached(tax) == ["张伟", "王芳"]
    assert [e["name"] for e in tax["uncertain"]] == ["赵强"]


def test_directly_responsible_person_is_reached_when_the_kind_names_them(
        store: Store, tmp_path: Path) -> None:
    b = sanctioned_company("high_consumption_restriction")
    b.person("吴敏", "吴敏")
    b.role("A", "吴敏", "directly_responsible", "2020-01-01")
    b.measure("JP", "A", "joint_punishment", conduct=CONDUCT, start=START)
    b.load(store, tmp_path)
    assert in_force(store, b, "吴敏", "2022-01-01") == [("M1", "active")]


def test_controller_two_holding_levels_up_is_reached_with_every_shareholding(
        store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.enterprise("B", "郑州华信控股有限公司", established="2015-02-03")
    b.enterprise("C", "郑州华信物流有限公司", established="2015-02-03")
    b.person("刘洋", "刘洋")
    b.holds("刘洋", "B", 70, "2015-02-03")
    b.holds("B", "A", 60, "2016-04-12")
    b.holds("B", "C", 60, "2022-01-01")  # B took control of C after C's conduct
    b.measure("M2", "C", "joint_punishment", conduct=CONDUCT, start=START)
    b.load(store, tmp_path)

    (item,) = check(store, b.key("刘洋"), as_of="2022-01-01")["measures"]
    assert (item["measure"], item["derived"], item["source"]) == ("M1", True, "M1")
    assert item["subject"]["id"] == b.uscc("A")
    assert item["roles"] == ["actual_controller (derived)"]
    steps = [s for s in item["evidence"] if s["step"] == "shareholding"]
    assert [(s["holder"]["name"], s["percentage"], s["rule"]) for s in steps] == [
        ("郑州华信控股有限公司", 60.0, "majority"), ("刘洋", 70.0, "majority")]
    assert all(s["provenance"]["file"] == "shareholdings.csv" for s in steps)
    assert [s["step"] for s in item["evidence"]][:2] == ["measure", "enterprise"]
    assert reached(accountable(store, b.uscc("C"), as_of="2022-01-01")) == []


def test_declared_controller_overrides_the_computed_one(store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.person("刘洋", "刘洋")
    b.person("黄涛", "黄涛")
    b.holds("刘洋", "A", 60, "2016-04-12")
    b.role("A", "黄涛", "actual_controller", "2016-04-12")
    b.load(store, tmp_path)
    (item,) = check(store, b.key("黄涛"), as_of="2022-01-01")["measures"]
    assert item["roles"] == ["actual_controller"]
    assert [s["step"] for s in item["evidence"]] == ["measure", "enterprise",
                                                      "declared_controller", "person"]
    assert in_force(store, b, "刘洋", "2022-01-01") == []


def test_a_state_body_at_the_top_reaches_no_person_as_controller(
        store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.enterprise("S", "郑州市人民政府国有资产监督管理委员会", kind="state_body")
    b.holds("S", "A", 100, "2016-04-12")
    b.load(store, tmp_path)
    answer = accountable(store, b.uscc("A"), as_of="2022-01-01")
    assert reached(answer) == ["张伟"] and answer["uncertain"] == []


@pytest.mark.parametrize(("event", "status"), [
    ("repaired", "repaired"), ("exited", "exited"), ("objection_upheld", "objection_upheld")])
def test_repair_exit_or_upheld_objection_ends_derived_measures_on_that_date(
        store: Store, tmp_path: Path, event: str, status: str) -> None:
    b = sanctioned_company("high_consumption_restriction")
    if event == "objection_upheld":  # an upheld objection answers a filed one
        b.event("M1", "objection_filed", "2023-08-01", "当事人提出异议")
    b.event("M1", event, "2023-08-01", "履行完毕")
    b.load(store, tmp_path)
    assert in_force(store, b, "张伟", "2023-07-31") == [("M1", "active")]
    assert in_force(store, b, "A", "2023-07-31") == [("M1", "active")]
    for label in ("张伟", "A"):
        answer = check(store, b.key(label), as_of="2023-08-01")
        assert (answer["measures"], answer["uncertain"], answer["applies"]) == ([], [], False)
    (entry,) = accountable(store, b.uscc("A"), as_of="2023-08-01")["reached"]
    assert {k: entry["state"][k] for k in ("status", "in_force", "ended_on", "reason")} == {
        "status": status, "in_force": False, "ended_on": "2023-08-01",
        "reason": f"{event} on 2023-08-01"}


def test_objection_in_progress_keeps_the_measure_in_force_until_rejected(
        store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.event("M1", "objection_filed", "2022-03-01", "当事人提出异议")
    b.event("M1", "objection_rejected", "2022-04-01", "异议不成立")
    b.load(store, tmp_path)
    assert in_force(store, b, "张伟", "2022-02-28") == [("M1", "active")]
    answer = check(store, b.key("张伟"), as_of="2022-03-15")
    assert answer["applies"] is True
    (item,) = answer["measures"]
    assert item["state"]["status"] == "under_objection" and item["state"]["in_force"] is True
    assert "2022-03-01" in item["state"]["reason"] and item["evidence"]
    assert in_force(store, b, "A", "2022-03-15") == [("M1", "under_objection")]
    assert in_force(store, b, "张伟", "2022-04-01") == [("M1", "active")]


def test_a_past_date_answers_with_what_was_in_force_then(store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "郑州中原物流有限公司", established="2014-09-09")
    b.person("陈静", "陈静")
    b.person("周杰", "周杰")
    b.role("A", "陈静", "legal_representative", "2014-09-09", "2020-01-01")
    b.role("A", "周杰", "legal_representative", "2020-01-01")
    b.measure("M1", "A", "market_ban", conduct="2018-11-01", start="2019-01-10",
              end="2021-01-10", status="expired")
    b.load(store, tmp_path)
    # 陈静 left the role before the as-of date, but held it on the conduct date
    assert in_force(store, b, "陈静", "2020-06-01") == [("M1", "active")]
    assert in_force(store, b, "周杰", "2020-06-01") == []
    assert in_force(store, b, "陈静", "2021-01-09") == [("M1", "active")]
    assert in_force(store, b, "陈静", "2021-01-10") == []  # [start, end)
    assert in_force(store, b, "陈静", "2019-01-09") == []  # not started yet
    assert in_force(store, b, "陈静", "2024-01-01") == []


def test_two_holdings_of_one_holder_add_up_to_control(store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.enterprise("B", "郑州华信控股有限公司")
    b.person("刘洋", "刘洋")
    b.person("陈静", "陈静")
    b.holds("刘洋", "B", 20, "2015-02-03")
    b.holds("刘洋", "B", 15, "2018-01-01")  # 35 % together: largest, so control
    b.holds("陈静", "B", 25, "2015-02-03")
    b.holds("B", "A", 60, "2016-04-12")
    b.load(store, tmp_path)
    assert in_force(store, b, "刘洋", "2022-01-01") == [("M1", "active")]
    assert in_force(store, b, "陈静", "2022-01-01") == []


def test_one_person_in_two_roles_is_reached_once_with_both(store: Store, tmp_path: Path) -> None:
    b = sanctioned_company()
    b.role("A", "张伟", "actual_controller", "2018-01-01")
    b.load(store, tmp_path)
    (entry,) = accountable(store, b.uscc("A"), as_of="2022-01-01")["reached"]
    assert entry["roles"] == ["legal_representative", "actual_controller"]
    steps = [step["step"] for step in entry["evidence"]]
    assert steps == ["measure", "enterprise", "role", "declared_controller", "person"]

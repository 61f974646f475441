"""Issue 12, with concrete dates and named persons on both stores: a person who may be
responsible is reached or listed as uncertain with the reason, never silently absent and
never certain on a guess."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from credtrace.graph import Store
from credtrace.queries.accountability import accountable
from credtrace.queries.alerts import alerts
from credtrace.queries.check import check
from credtrace.queries.owners import group, owners
from tests.builders import Bundle

CONDUCT = "2021-06-15"
START = "2021-09-01"
AS_OF = "2022-01-01"


def company(*, conduct: str = CONDUCT) -> Bundle:
    """郑州华信商贸 (founded 2016-04-12) under a joint punishment; 张伟 its legal
    representative since its founding."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.person("张伟", "张伟")
    b.role("A", "张伟", "legal_representative", "2016-04-12")
    b.measure("M1", "A", "joint_punishment", conduct=conduct, start=START)
    return b


def names(entries: list[dict[str, Any]]) -> list[str]:
    return sorted(e["name"] for e in entries)


def answer_of(store: Store, b: Bundle) -> dict[str, Any]:
    return accountable(store, b.uscc("A"), as_of=AS_OF)


def test_two_declared_controllers_are_both_reached(store: Store, tmp_path: Path) -> None:
    b = company()
    b.person("刘洋", "刘洋")
    b.person("黄涛", "黄涛")
    b.role("A", "刘洋", "actual_controller", "2016-04-12")
    b.role("A", "黄涛", "actual_controller", "2018-01-01")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["reached"]) == ["刘洋", "张伟", "黄涛"]
    assert answer["uncertain"] == []
    assert check(store, b.key("黄涛"), as_of=AS_OF)["applies"] is True
    bo = owners(store, b.uscc("A"), as_of=AS_OF)["beneficial_owners"]
    assert sorted((o["person"]["name"], o["basis"]) for o in bo) == [
        ("刘洋", ["declared_control"]), ("黄涛", ["declared_control"])]


def test_a_holder_who_may_hold_a_majority_is_uncertain_and_nobody_certain(
        store: Store, tmp_path: Path) -> None:
    b = company()
    b.person("王芳", "王芳")
    b.person("孙丽", "孙丽")
    b.holds("王芳", "A", "", "2016-04-12", pct_min="20", pct_max="60")
    b.holds("孙丽", "A", 35, "2016-04-12")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["reached"]) == ["张伟"]  # nobody is the controller on a guess
    by_name = {e["name"]: e for e in answer["uncertain"]}
    assert sorted(by_name) == ["孙丽", "王芳"]
    assert "20–60 %" in by_name["王芳"]["reason"]
    assert by_name["孙丽"]["explanation"]["rule"].startswith("R1: actual controller")
    assert check(store, b.key("王芳"), as_of=AS_OF)["uncertain"][0]["measure"] == "M1"


def test_a_range_that_may_reach_30_and_largest_is_uncertain(
        store: Store, tmp_path: Path) -> None:
    b = company()
    b.person("王芳", "王芳")
    b.person("孙丽", "孙丽")
    b.person("赵强", "赵强")
    b.holds("王芳", "A", "", "2016-04-12", pct_min="25", pct_max="35")
    b.holds("孙丽", "A", 28, "2016-04-12")
    b.holds("赵强", "A", 20, "2016-04-12")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["uncertain"]) == ["王芳"]
    assert "≥ 30 %" in answer["uncertain"][0]["reason"]


def test_a_tie_for_largest_leaves_both_uncertain(store: Store, tmp_path: Path) -> None:
    b = company()
    b.person("王芳", "王芳")
    b.person("孙丽", "孙丽")
    b.holds("王芳", "A", 35, "2016-04-12")
    b.holds("孙丽", "A", 35, "2016-04-12")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["uncertain"]) == ["孙丽", "王芳"]
    assert all("tied for largest at 35 %" in e["reason"] for e in answer["uncertain"])


def test_unknown_conduct_date_keeps_everyone_in_office_since_the_founding(
        store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    for name in ("张伟", "李娜", "周杰"):
        b.person(name, name)
    b.role("A", "张伟", "legal_representative", "2016-04-12", "2021-08-20")
    b.role("A", "李娜", "legal_representative", "2021-08-20")
    b.role("A", "周杰", "legal_representative", "2021-09-02")  # after the start: out
    b.measure("M1", "A", "joint_punishment", conduct="", start=START)
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert answer["reached"] == []
    assert names(answer["uncertain"]) == ["张伟", "李娜"]
    reason = {e["name"]: e["reason"] for e in answer["uncertain"]}["张伟"]
    assert "2016-04-12" in reason and START in reason and "2021-08-20" in reason


def test_a_declared_controller_with_unknown_start_keeps_the_computed_one_uncertain(
        store: Store, tmp_path: Path) -> None:
    b = company()
    b.person("刘洋", "刘洋")
    b.person("黄涛", "黄涛")
    b.holds("刘洋", "A", 60, "2016-04-12")
    b.role("A", "黄涛", "actual_controller")  # start unknown
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["reached"]) == ["张伟"]
    by_name = {e["name"]: e for e in answer["uncertain"]}
    assert sorted(by_name) == ["刘洋", "黄涛"]
    assert "computed control stays uncertain" in by_name["刘洋"]["reason"]
    assert "start date unknown" in by_name["黄涛"]["reason"]


def test_pooled_control_direct_and_through_a_wholly_owned_company(
        store: Store, tmp_path: Path) -> None:
    b = company()
    b.enterprise("B", "郑州华信投资有限公司", established="2015-01-01")
    b.person("刘洋", "刘洋")
    b.person("陈静", "陈静")
    b.holds("刘洋", "A", 25, "2016-04-12")
    b.holds("刘洋", "B", 100, "2015-01-01")
    b.holds("B", "A", 28, "2016-04-12")
    b.holds("陈静", "A", 47, "2016-04-12")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["reached"]) == ["刘洋", "张伟"] and answer["uncertain"] == []
    liu = next(e for e in answer["reached"] if e["name"] == "刘洋")
    into_a = [s for s in liu["evidence"]
              if s["step"] == "shareholding" and s["enterprise"] == b.uscc("A")]
    # the figure recomputed from the chain: every holding that adds to the votes is there
    assert sum(s["percentage"] for s in into_a) == 53.0
    assert liu["explanation"]["inputs"]["votes"] == [53.0, 53.0]
    assert {s["provenance"]["file"] for s in into_a} == {"shareholdings.csv"}
    assert all(s["start"] == "2016-04-12" for s in into_a)
    item = check(store, b.key("刘洋"), as_of=AS_OF)["measures"][0]
    assert item["roles"] == ["actual_controller (derived)"]
    assert check(store, b.key("陈静"), as_of=AS_OF)["measures"] == []


def test_pooled_control_through_two_companies_with_40_each(
        store: Store, tmp_path: Path) -> None:
    b = company()
    b.enterprise("B", "郑州华信一号投资有限公司", established="2015-01-01")
    b.enterprise("C", "郑州华信二号投资有限公司", established="2015-01-01")
    b.person("刘洋", "刘洋")
    b.holds("刘洋", "B", 60, "2015-01-01")
    b.holds("刘洋", "C", 60, "2015-01-01")
    b.holds("B", "A", 40, "2016-04-12")
    b.holds("C", "A", 40, "2016-04-12")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["reached"]) == ["刘洋", "张伟"]
    liu = next(e for e in answer["reached"] if e["name"] == "刘洋")
    steps = [s for s in liu["evidence"] if s["step"] == "shareholding"]
    assert sorted((s["holder"]["name"], s["enterprise"], s["percentage"]) for s in steps) == \
        sorted([("郑州华信一号投资有限公司", b.uscc("A"), 40.0),
                ("郑州华信二号投资有限公司", b.uscc("A"), 40.0),
                ("刘洋", b.uscc("B"), 60.0), ("刘洋", b.uscc("C"), 60.0)])
    assert sum(s["percentage"] for s in steps if s["enterprise"] == b.uscc("A")) == 80.0


def test_a_declared_enterprise_controller_is_followed_up_to_a_person(
        store: Store, tmp_path: Path) -> None:
    b = company()
    b.enterprise("H", "郑州华信控股有限公司", established="2015-01-01")
    b.person("刘洋", "刘洋")
    b.role("A", "H", "actual_controller", "2016-04-12")
    b.holds("刘洋", "H", 70, "2015-01-01")
    b.load(store, tmp_path)
    answer = answer_of(store, b)
    assert names(answer["reached"]) == ["刘洋", "张伟"]
    liu = next(e for e in answer["reached"] if e["name"] == "刘洋")
    assert liu["roles"] == ["actual_controller"]  # declared, followed upward
    assert [s["step"] for s in liu["evidence"][2:-1]] == ["declared_controller", "shareholding"]
    control = owners(store, b.uscc("A"), as_of=AS_OF)["actual_controller"]
    assert (control["controller"]["name"], control["declared"]) == ("刘洋", True)


def test_r2_risk_for_an_enterprise_owned_or_controlled_without_a_role(
        store: Store, tmp_path: Path) -> None:
    b = company()  # 张伟 is reached by M1 (legal representative of A on the conduct date)
    b.enterprise("E", "郑州新华信贸易有限公司", established="2019-03-01")
    b.enterprise("F", "郑州华信餐饮有限公司", established="2019-03-01")
    b.enterprise("G", "郑州华信物业有限公司", established="2019-03-01")
    b.enterprise("H", "郑州华信投资有限公司", established="2019-03-01")
    b.holds("张伟", "E", 60, "2019-03-01")  # controls E, no role there
    b.holds("张伟", "F", 5, "2019-03-01")  # a small holder of F: owned in part
    b.holds("张伟", "H", 100, "2019-03-01")  # controls G through H
    b.holds("H", "G", 55, "2019-03-01")
    b.load(store, tmp_path)
    for label, how in (("E", ["actual_controller", "shareholder"]), ("F", ["shareholder"]),
                       ("G", ["actual_controller"])):
        answer = check(store, b.uscc(label), as_of=AS_OF)
        assert answer["measures"] == []  # R2: no chain reaction
        assert [(r["person"]["name"], r["roles"], r["measure"]) for r in answer["risk"]] == \
            [("张伟", how, "M1")], label
    assert check(store, b.uscc("E"), as_of=AS_OF, with_risk=False)["risk"] == []


def shells(store: Store, as_of: str) -> dict[str, list[tuple[str, str, str]]]:
    return {a["enterprise"]["name"]: [(t["trigger"], t["date"], t["link"]) for t in a["triggers"]]
            for a in alerts(store, as_of=as_of)["new_shells"] if a["person"]["name"] == "钱多"}


def test_new_shells_use_the_one_control_rule_and_name_the_link(
        store: Store, tmp_path: Path) -> None:
    """钱多, legal representative of 郑州丙建设 when it was banned (conduct 2021-05-01,
    ban from 2021-06-01), afterwards founds, joins and takes over other enterprises."""
    b = Bundle(seed=3)
    b.enterprise("丙", "郑州丙建设有限公司", established="2012-01-01")
    b.person("钱多", "钱多")
    b.person("孙丽", "孙丽")
    b.role("丙", "钱多", "legal_representative", "2019-01-01")
    b.measure("JR-1", "丙", "market_ban", conduct="2021-05-01", start="2021-06-01",
              end="2026-06-01")
    b.enterprise("庚", "郑州庚贸易有限公司", established="2015-05-05")
    b.holds("钱多", "庚", 35, "2021-09-01")  # 35 %, strictly largest: control
    b.holds("孙丽", "庚", 20, "2015-05-05")
    b.enterprise("辛", "郑州辛咨询有限公司", established="2015-05-05")
    b.role("辛", "钱多", "actual_controller", "2022-02-01")  # declared controller
    b.enterprise("壬", "郑州壬服务有限公司", established="2022-03-01")
    b.role("壬", "钱多", "supervisor", "2022-03-01")  # an officer at founding: no shell
    b.enterprise("癸", "郑州癸实业有限公司", established="2022-04-01")
    b.holds("钱多", "癸", 1, "2022-04-01")  # a 1 % holder at founding: no shell
    b.holds("孙丽", "癸", 99, "2022-04-01")
    b.enterprise("子", "郑州子物流有限公司", established="2022-05-01")
    b.holds("钱多", "子", 60, "2022-05-01")  # founded under his control
    b.load(store, tmp_path)
    assert shells(store, "2023-01-01") == {
        "郑州庚贸易有限公司": [("controlled", "2021-09-01", "actual_controller")],
        "郑州辛咨询有限公司": [("controlled", "2022-02-01", "actual_controller")],
        "郑州子物流有限公司": [("founded", "2022-05-01", "actual_controller"),
                            ("controlled", "2022-05-01", "actual_controller")],
    }
    shell = next(a for a in alerts(store, as_of="2023-01-01")["new_shells"]
                 if a["enterprise"]["name"] == "郑州庚贸易有限公司")
    assert shell["uncertain"] == []
    assert [s["percentage"] for s in shell["evidence"] if s["step"] == "shareholding"] == [35.0]


def test_group_sees_pooled_control(store: Store, tmp_path: Path) -> None:
    """郑州华信控股 holds 25 % of 华信商贸 directly and 28 % through its wholly owned 华信投资:
    53 %, so 华信商贸 is in its group, as its subsidiary."""
    b = company()
    b.enterprise("H", "郑州华信控股有限公司", established="2015-01-01")
    b.enterprise("B", "郑州华信投资有限公司", established="2015-01-01")
    b.person("陈静", "陈静")
    b.holds("H", "A", 25, "2016-04-12")
    b.holds("H", "B", 100, "2015-01-01")
    b.holds("B", "A", 28, "2016-04-12")
    b.holds("陈静", "A", 47, "2016-04-12")
    b.load(store, tmp_path)
    answer = group(store, b.uscc("H"), as_of=AS_OF)
    assert {m["name"]: m["relation"] for m in answer["members"]} == {
        "郑州华信控股有限公司": "self", "郑州华信投资有限公司": "subsidiary",
        "郑州华信商贸有限公司": "subsidiary"}
    pooled = next(e for e in answer["edges"] if e["controlled"] == b.uscc("A"))
    assert (pooled["controller"], pooled["basis"], pooled["share"]) == (
        b.uscc("H"), "majority", 53.0)


def test_one_explanation_shape_in_every_answer(store: Store, tmp_path: Path) -> None:
    b = company()
    b.person("王芳", "王芳")
    b.holds("王芳", "A", "", "2016-04-12", pct_min="20", pct_max="60")
    b.enterprise("E", "郑州新华信贸易有限公司", established="2022-02-01")
    b.role("E", "张伟", "legal_representative", "2022-02-01")
    b.load(store, tmp_path)
    shape = {"rule", "inputs", "uncertain"}
    acc = answer_of(store, b)
    assert all(set(e["explanation"]) == shape for e in acc["reached"] + acc["uncertain"])
    wang = next(e for e in acc["uncertain"] if e["name"] == "王芳")["explanation"]
    assert wang["inputs"]["votes"] == [20.0, 60.0] and wang["uncertain"]
    control = owners(store, b.uscc("A"), as_of=AS_OF)["actual_controller"]
    assert [set(c["explanation"]) for c in control["candidates"]] == [shape]
    person = check(store, b.key("张伟"), as_of=AS_OF)
    assert [set(m["explanation"]) for m in person["measures"]] == [shape]
    own = check(store, b.uscc("A"), as_of=AS_OF)["measures"]
    assert [m["explanation"]["rule"] for m in own] == ["own measure: active"]
    (shell,) = alerts(store, as_of="2022-06-01")["new_shells"]
    assert set(shell["explanation"]) == shape
    assert shell["explanation"]["rule"] == "R4 new shell: founded, represented"

"""R4 early warning on both stores: forbidden roles, new shells (换壳), exposure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credtrace.graph import Store
from credtrace.queries.alerts import alerts
from credtrace.queries.common import InvalidInput
from tests.builders import Bundle


def alert_bundle() -> Bundle:
    """孙丽 is disqualified 2022-01-01 – 2025-01-01: director of 甲 2022-06 – 2024-06,
    supervisor of 乙 from 2022-03, founds 辛 in 2023 and 壬 after the ban. 丙 is banned from
    the market 2021-06-01 – 2026-06-01; the ban reaches its legal representative 钱多, who
    is a director of 丁 (since 2018), founds 戊 in 2022 and takes 80 % of 己 in 2021-09.
    吴刚 sits on the boards of 丙 and 癸."""
    b = Bundle(seed=7)
    for label, name, established in (
            ("jia", "郑州甲商贸有限公司", "2015-01-01"),
            ("yi", "郑州乙物流有限公司", "2016-01-01"),
            ("bing", "郑州丙建设有限公司", "2012-01-01"),
            ("ding", "郑州丁餐饮有限公司", "2010-01-01"),
            ("wu", "郑州戊贸易有限公司", "2022-01-10"),
            ("ji", "郑州己科技有限公司", "2015-05-05"),
            ("xin", "郑州辛咨询有限公司", "2023-01-01"),
            ("ren", "郑州壬服务有限公司", "2025-03-01"),
            ("gui", "郑州癸实业有限公司", "2011-01-01")):
        b.enterprise(label, name, established=established)
    for label, name in (("sunli", "孙丽"), ("qian", "钱多"), ("wug", "吴刚")):
        b.person(label, name)
    b.measure("ZG-1", "sunli", "executive_disqualification", conduct="2021-11-20",
              start="2022-01-01", end="2025-01-01")
    b.role("jia", "sunli", "director", "2022-06-01", "2024-06-30")
    b.role("yi", "sunli", "supervisor", "2022-03-01")
    b.role("xin", "sunli", "legal_representative", "2023-01-01")
    b.role("ren", "sunli", "legal_representative", "2025-03-01")
    b.measure("JR-1", "bing", "market_ban", conduct="2021-05-01", start="2021-06-01",
              end="2026-06-01")
    b.role("bing", "qian", "legal_representative", "2019-01-01")
    b.role("ding", "qian", "director", "2018-01-01")
    b.role("wu", "qian", "legal_representative", "2022-01-10")
    b.holds("qian", "ji", 80, "2021-09-01")
    b.role("bing", "wug", "director", "2015-01-01")
    b.role("gui", "wug", "director", "2015-01-01")
    return b


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> tuple[Store, Bundle]:
    bundle = alert_bundle()
    bundle.load(store, tmp_path / "bundle")
    return store, bundle


def roles_of(answer: dict[str, Any], person: str) -> set[tuple[str, str]]:
    return {(a["enterprise"]["name"], a["role"]) for a in answer["forbidden_roles"]
            if a["person"]["name"] == person}


def shells_of(answer: dict[str, Any], person: str) -> dict[str, list[str]]:
    return {a["enterprise"]["name"]: [t["trigger"] for t in a["triggers"]]
            for a in answer["new_shells"] if a["person"]["name"] == person}


def test_disqualified_director_in_a_forbidden_role(loaded) -> None:
    store, _ = loaded
    during = alerts(store, as_of="2023-06-01")
    assert roles_of(during, "孙丽") == {("郑州甲商贸有限公司", "director"),
                                      ("郑州乙物流有限公司", "supervisor"),
                                      ("郑州辛咨询有限公司", "legal_representative")}
    item = next(a for a in during["forbidden_roles"]
                if a["enterprise"]["name"] == "郑州甲商贸有限公司")
    assert (item["measure"]["id"], item["measure"]["derived"], item["uncertain"]) == (
        "ZG-1", False, [])
    assert [step["step"] for step in item["evidence"]] == ["measure", "person", "role"]
    assert item["relationship"]["start"] == "2022-06-01"
    left = alerts(store, as_of="2024-09-01")  # she left 甲 on 2024-06-30
    assert ("郑州甲商贸有限公司", "director") not in roles_of(left, "孙丽")
    assert ("郑州乙物流有限公司", "supervisor") in roles_of(left, "孙丽")
    assert roles_of(alerts(store, as_of="2025-06-01"), "孙丽") == set()  # the ban ended


def test_a_derived_ban_forbids_roles_too(loaded) -> None:
    store, _ = loaded
    answer = alerts(store, as_of="2023-06-01")
    assert roles_of(answer, "钱多") == {("郑州丙建设有限公司", "legal_representative"),
                                      ("郑州丁餐饮有限公司", "director"),
                                      ("郑州戊贸易有限公司", "legal_representative")}
    item = next(a for a in answer["forbidden_roles"] if a["person"]["name"] == "钱多")
    assert item["measure"]["derived"] and item["measure"]["id"] == "JR-1"
    assert [s["step"] for s in item["evidence"]] == [
        "measure", "enterprise", "role", "person", "role"]


def test_new_shells_after_the_measure_start_only(loaded) -> None:
    store, _ = loaded
    answer = alerts(store, as_of="2023-06-01")
    assert shells_of(answer, "钱多") == {"郑州戊贸易有限公司": ["founded", "represented"],
                                       "郑州己科技有限公司": ["controlled"]}
    assert shells_of(answer, "孙丽") == {"郑州辛咨询有限公司": ["founded", "represented"]}
    shell = next(a for a in answer["new_shells"] if a["enterprise"]["name"] == "郑州戊贸易有限公司")
    assert shell["triggers"][0] == {"trigger": "founded", "label_zh": "新设企业",
                                    "date": "2022-01-10", "link": "legal_representative"}
    assert shell["measure"]["derived"] and shell["measure"]["start"] == "2021-06-01"
    # 丁 (founded 2010, 钱多 a director since 2018) is no shell; 壬 is founded after 孙丽's ban
    later = alerts(store, as_of="2025-06-01")
    assert shells_of(later, "孙丽") == {}
    assert "郑州丁餐饮有限公司" not in shells_of(later, "钱多")


def test_exposure_within_k_hops_with_the_explaining_path(loaded) -> None:
    store, _ = loaded
    answer = alerts(store, as_of="2023-06-01", k=2)
    exposed = {e["enterprise"]["name"]: e for e in answer["exposure"]}
    (near,) = [s for s in exposed["郑州癸实业有限公司"]["sanctioned"]
               if s["party"]["name"] == "郑州丙建设有限公司"]
    assert near["distance"] == 2 and near["measures"][0]["id"] == "JR-1"
    assert [n["name"] for n in near["paths"][0]["nodes"]] == [
        "郑州癸实业有限公司", "吴刚", "郑州丙建设有限公司"]
    assert [e["type"] for e in near["paths"][0]["edges"]] == ["DIRECTOR", "DIRECTOR"]
    jia = {s["party"]["name"]: s["distance"] for s in exposed["郑州甲商贸有限公司"]["sanctioned"]}
    assert jia == {"孙丽": 1}
    # 钱多's derived measure comes from 丙's own: it does not count against 丙
    assert "钱多" not in {s["party"]["name"]
                        for s in exposed.get("郑州丙建设有限公司", {}).get("sanctioned", [])}
    one = {e["enterprise"]["name"] for e in alerts(store, as_of="2023-06-01", k=1)["exposure"]}
    assert "郑州癸实业有限公司" not in one and "郑州甲商贸有限公司" in one
    after = alerts(store, as_of="2026-07-01")  # every measure over
    assert (after["forbidden_roles"], after["new_shells"], after["exposure"]) == ([], [], [])


def test_limits(loaded) -> None:
    store, _ = loaded
    cut = alerts(store, as_of="2023-06-01", limit=1)
    assert len(cut["forbidden_roles"]) == 1 and cut["truncated"]["forbidden_roles"] == 5
    with pytest.raises(InvalidInput):
        alerts(store, k=0)

"""R5 related parties and the neighbourhood subgraph, on both stores, with concrete dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credtrace.graph import Store
from credtrace.queries.common import EntityNotFound, InvalidInput
from credtrace.queries.network import neighbourhood
from credtrace.queries.related import related
from tests.builders import Bundle

NOW, BEFORE = "2024-06-01", "2020-06-01"


def related_bundle() -> Bundle:
    """甲 shares a legal representative with 乙, a director with 丙 (as 丙's supervisor), a
    shareholder with 丁, controls 戊, shares an address with 己 (suspected only); 赵六 left
    甲 at the end of 2020, so 庚 is related to 甲 only before that. 孙七 controls 辛 and 壬."""
    b = Bundle(seed=3)
    b.enterprise("A", "郑州甲商贸有限公司", address="郑州市金水区花园路1号")
    b.enterprise("B", "郑州乙贸易有限公司")
    b.enterprise("C", "郑州丙物流有限公司")
    b.enterprise("D", "郑州丁餐饮有限公司")
    b.enterprise("E", "郑州戊科技有限公司")
    b.enterprise("F", "郑州己咨询有限公司", address="郑州市金水区 花园路1号")
    b.enterprise("G", "郑州庚建设有限公司")
    b.enterprise("H", "郑州辛实业有限公司")
    b.enterprise("I", "郑州壬服务有限公司")
    for label, name in (("zhang", "张三"), ("li", "李四"), ("wang", "王五"), ("zhao", "赵六"),
                        ("sun", "孙七"), ("zhou", "周八")):
        b.person(label, name)
    b.role("A", "zhang", "legal_representative", "2018-01-01")
    b.role("B", "zhang", "legal_representative", "2019-01-01")
    b.role("A", "li", "director", "2017-01-01")
    b.role("C", "li", "supervisor", "2017-06-01")
    b.role("A", "zhao", "director", "2016-01-01", "2020-12-31")
    b.role("G", "zhao", "director", "2016-01-01")
    b.role("A", "zhou", "manager")  # start unknown
    b.holds("wang", "A", 20, "2015-01-01")
    b.holds("wang", "D", 30, "2015-01-01")
    b.holds("A", "E", 60, "2018-01-01")
    b.holds("sun", "H", 70, "2019-01-01")
    b.holds("sun", "I", 55, "2019-01-01")
    return b


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> tuple[Store, Bundle]:
    bundle = related_bundle()
    bundle.load(store, tmp_path / "bundle")
    return store, bundle


def by_name(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in entries}


def relations(entry: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(r["relation"], (r["via"] or {}).get("name")) for r in entry["relations"]}


def test_enterprises_related_by_shared_people_shareholders_and_control(loaded) -> None:
    store, b = loaded
    answer = related(store, b.key("A"), as_of=NOW)
    found = by_name(answer["related"])
    assert ("shared_legal_representative", "张三") in relations(found["郑州乙贸易有限公司"])
    assert ("shared_executive", "李四") in relations(found["郑州丙物流有限公司"])
    assert ("shared_shareholder", "王五") in relations(found["郑州丁餐饮有限公司"])
    (control,) = [r for r in found["郑州戊科技有限公司"]["relations"]
                  if r["relation"] == "control"]
    assert (control["controller"]["name"], control["controlled"]["name"]) == (
        "郑州甲商贸有限公司", "郑州戊科技有限公司")
    assert control["chains"][0][0]["percentage"] == 60.0
    assert found["郑州乙贸易有限公司"]["distance"] == 2
    assert [p["name"] for p in found["郑州乙贸易有限公司"]["relations"][0]["paths"][0]["nodes"]] \
        == ["郑州甲商贸有限公司", "张三", "郑州乙贸易有限公司"]


def test_suspected_links_are_listed_apart_and_labelled(loaded) -> None:
    store, b = loaded
    answer = related(store, b.key("A"), as_of=NOW)
    assert "郑州己咨询有限公司" not in by_name(answer["related"])
    (entry,) = answer["suspected"]
    assert entry["name"] == "郑州己咨询有限公司"
    (link,) = entry["relations"]
    assert (link["relation"], link["suspected"], link["label_zh"]) == (
        "shared_address", True, "疑似关联：同一地址")
    assert link["via"]["kind"] == "Contact" and link["uncertain"] == []


def test_a_role_that_ended_before_the_date_does_not_relate(loaded) -> None:
    store, b = loaded
    now = by_name(related(store, b.key("A"), as_of=NOW)["related"])
    assert "郑州庚建设有限公司" not in now and "赵六" not in now
    before = by_name(related(store, b.key("A"), as_of=BEFORE)["related"])
    assert ("shared_executive", "赵六") in relations(before["郑州庚建设有限公司"])
    assert "郑州乙贸易有限公司" in before  # 张三 represents 乙 from 2019


def test_shared_controller_and_unknown_start(loaded) -> None:
    store, b = loaded
    found = by_name(related(store, b.key("H"), as_of=NOW)["related"])
    assert {("shared_shareholder", "孙七"), ("shared_controller", "孙七")} <= relations(
        found["郑州壬服务有限公司"])
    manager = by_name(related(store, b.key("A"), as_of=NOW)["related"])["周八"]
    (role,) = manager["relations"]
    assert role["relation"] == "role" and role["role"] == "manager"
    assert "start date unknown" in role["uncertain"][0]


def test_a_person_relates_to_their_enterprises_and_co_officers(loaded) -> None:
    store, b = loaded
    found = by_name(related(store, b.key("li"), as_of=NOW)["related"])
    assert relations(found["郑州甲商贸有限公司"]) == {("role", None)}
    assert found["郑州丙物流有限公司"]["relations"][0]["role"] == "supervisor"
    assert ("co_officer", "郑州甲商贸有限公司") in relations(found["张三"])
    assert "赵六" not in found


def test_kinds_depth_and_limit(loaded) -> None:
    store, b = loaded
    roles_only = related(store, b.key("A"), kinds=["role"], as_of=NOW)
    assert roles_only["suspected"] == [] and roles_only["kinds"][0] == "LEGAL_REPRESENTATIVE"
    assert "郑州丁餐饮有限公司" not in by_name(roles_only["related"])
    one_hop = related(store, b.key("A"), hops=1, as_of=NOW)
    assert {e["distance"] for e in one_hop["related"]} == {1}
    cut = related(store, b.key("A"), limit=2, as_of=NOW)
    assert len(cut["related"]) + len(cut["suspected"]) <= 2 and cut["truncated"] > 0
    with pytest.raises(InvalidInput):
        related(store, b.key("A"), hops=99)
    with pytest.raises(InvalidInput):
        related(store, b.key("A"), kinds=["friendship"])
    with pytest.raises(EntityNotFound):
        related(store, "914101050000000000")


def test_neighbourhood_contract(loaded) -> None:
    store, b = loaded
    sub = neighbourhood(store, b.key("A"), as_of=NOW)
    data = json.loads(json.dumps(sub.as_dict(), ensure_ascii=False))
    assert (data["center"], data["as_of"], data["hops"], data["complete"]) == (
        b.key("A"), NOW, 1, True)
    names = {n["name"]: n for n in data["nodes"]}
    assert {"张三", "李四", "王五", "周八", "郑州戊科技有限公司"} <= set(names)
    assert [n["props"]["field"] for n in data["nodes"] if n["kind"] == "Contact"] == ["address"]
    assert "赵六" not in names  # left at the end of 2020
    assert data["nodes"][0]["id"] == b.key("A") and data["nodes"][0]["distance"] == 0
    assert all("id_number" not in n["props"] and "fp" not in n["props"] for n in data["nodes"])
    (manager,) = [e for e in data["edges"] if e["type"] == "MANAGER"]
    assert (manager["validity"], manager["label_zh"], manager["role"]) == (
        "uncertain", "经理", "manager")
    holding = next(e for e in data["edges"] if e["target"] == b.key("E"))
    assert (holding["percentage"], holding["validity"], holding["category"]) == (
        60.0, "yes", "shareholding")
    assert data["truncated"] == []


def test_neighbourhood_keeps_the_nearest_and_counts_the_rest(loaded) -> None:
    store, b = loaded
    sub = neighbourhood(store, b.key("A"), hops=2, max_nodes=4, as_of=NOW)
    assert len(sub.nodes) == 4 and not sub.complete
    assert [n["name"] for n in sub.nodes[1:]] == ["张三", "李四", "周八"]  # roles first
    assert sub.truncated == {("Person", "HOLDS_SHARES"): 1, ("Enterprise", "HOLDS_SHARES"): 1,
                             ("Contact", "HAS_CONTACT"): 1}
    groups = sub.as_dict()["truncated"]
    assert {"kind": "Contact", "type": "HAS_CONTACT", "label_zh": "登记联系信息",
            "count": 1} in groups
    kept = {n["id"] for n in sub.nodes}
    assert all(e["source"] in kept and e["target"] in kept for e in sub.edges)
    with pytest.raises(InvalidInput):
        neighbourhood(store, b.key("A"), hops=0)

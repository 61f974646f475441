"""Shortest paths between two parties on a date, on both stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credtrace.graph import Store
from credtrace.queries.common import EntityNotFound, InvalidInput
from credtrace.queries.paths import paths
from tests.builders import Bundle


def path_bundle() -> Bundle:
    """甲 and 乙 joined by four two-step paths that start and end at different dates:

    - 张三, director of both from 2015;
    - 李四, legal representative of 甲 2015–2019 and shareholder of 乙 from 2015;
    - 王五, supervisor of 甲 (start unknown) and legal representative of 乙 from 2016;
    - 丙, 30 % held by 甲 and holding 40 % of 乙, from 2015;

    and by one four-step path from 2010 (甲 —赵六— 丁 —钱七— 乙). 戊 stands alone.
    """
    b = Bundle(seed=11)
    for label, name in (("A", "郑州甲商贸有限公司"), ("B", "郑州乙物流有限公司"),
                        ("C", "郑州丙投资有限公司"), ("D", "郑州丁建设有限公司"),
                        ("E", "郑州戊餐饮有限公司")):
        b.enterprise(label, name)
    for label, name in (("zhang", "张三"), ("li", "李四"), ("wang", "王五"), ("zhao", "赵六"),
                        ("qian", "钱七")):
        b.person(label, name)
    b.role("A", "zhang", "director", "2015-01-01")
    b.role("B", "zhang", "director", "2015-01-01")
    b.role("A", "li", "legal_representative", "2015-01-01", "2020-01-01")
    b.holds("li", "B", 10, "2015-01-01")
    b.role("A", "wang", "supervisor")
    b.role("B", "wang", "legal_representative", "2016-01-01")
    b.holds("A", "C", 30, "2015-01-01")
    b.holds("C", "B", 40, "2015-01-01")
    b.role("A", "zhao", "director", "2010-01-01")
    b.role("D", "zhao", "director", "2010-01-01")
    b.role("D", "qian", "manager", "2010-01-01")
    b.role("B", "qian", "manager", "2010-01-01")
    return b


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> tuple[Store, Bundle]:
    bundle = path_bundle()
    bundle.load(store, tmp_path / "bundle")
    return store, bundle


def via(answer: dict[str, Any]) -> list[str]:
    return [path["nodes"][1]["name"] for path in answer["paths"]]


def test_every_equal_length_shortest_path_is_returned(loaded) -> None:
    store, b = loaded
    answer = paths(store, b.key("A"), b.key("B"), as_of="2019-06-01")
    assert answer["length"] == 2 and not answer["more"]
    assert sorted(via(answer)) == ["张三", "李四", "王五", "郑州丙投资有限公司"]
    assert all(p["length"] == 2 for p in answer["paths"])
    (uncertain,) = [p for p in answer["paths"] if p["nodes"][1]["name"] == "王五"]
    assert uncertain["uncertain"] == [0]
    assert "start date unknown" in uncertain["edges"][0]["reason"]
    assert [e["type"] for e in uncertain["edges"]] == ["SUPERVISOR", "LEGAL_REPRESENTATIVE"]


def test_intervals_cut_paths_on_some_dates(loaded) -> None:
    store, b = loaded
    later = paths(store, b.key("A"), b.key("B"), as_of="2021-06-01")
    assert sorted(via(later)) == ["张三", "王五", "郑州丙投资有限公司"]  # 李四 left 甲 in 2020
    early = paths(store, b.key("A"), b.key("B"), as_of="2014-06-01")
    assert early["length"] == 4
    assert [n["name"] for n in early["paths"][0]["nodes"]] == [
        "郑州甲商贸有限公司", "赵六", "郑州丁建设有限公司", "钱七", "郑州乙物流有限公司"]
    assert paths(store, b.key("A"), b.key("B"), as_of="2014-06-01", max_hops=3)["paths"] == []


def test_no_path_is_an_answer_not_an_error(loaded) -> None:
    store, b = loaded
    alone = paths(store, b.key("A"), b.key("E"), as_of="2019-06-01")
    assert (alone["paths"], alone["length"], alone["more"]) == ([], None, False)
    assert paths(store, b.key("A"), b.key("B"), as_of="2009-06-01")["length"] is None


def test_kinds_limit_and_bad_input(loaded) -> None:
    store, b = loaded
    shares = paths(store, b.key("A"), b.key("B"), kinds=["shareholding"], as_of="2019-06-01")
    assert via(shares) == ["郑州丙投资有限公司"]
    first_two = paths(store, b.key("A"), b.key("B"), as_of="2019-06-01", limit=2)
    every = paths(store, b.key("A"), b.key("B"), as_of="2019-06-01")
    assert first_two["more"] and first_two["paths"] == every["paths"][:2]
    with pytest.raises(EntityNotFound):
        paths(store, b.key("A"), "914101050000000000")
    with pytest.raises(InvalidInput):
        paths(store, b.key("A"), b.key("A"))
    with pytest.raises(InvalidInput):
        paths(store, b.key("A"), b.key("B"), max_hops=50)

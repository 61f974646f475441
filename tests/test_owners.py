"""Owners, beneficial owners and groups (domain.md §4, R5), and the ownership arithmetic
checked against an independent brute force over networkx simple paths."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credtrace.graph import EntityRow, Store, edge_key
from credtrace.queries.owners import MAX_PATHS, group, owners
from credtrace.queries.ownership import effective_ownership
from tests.builders import Bundle

AS_OF = "2024-01-01"


def by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["holder"]["name"]: h for h in answer["holders"]}


def two_levels() -> Bundle:
    """刘洋 holds 70 % of 华信控股, which holds 60 % of 华信商贸; 陈静 holds 30 %."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.enterprise("B", "郑州华信控股有限公司", established="2015-02-03")
    b.person("刘洋", "刘洋")
    b.person("陈静", "陈静")
    b.person("李娜", "李娜")
    b.holds("刘洋", "B", 70, "2015-02-03")
    b.holds("B", "A", 60, "2016-04-12")
    b.holds("陈静", "A", 30, "2016-04-12", "2023-01-01")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    return b


def test_controller_two_levels_up(store: Store, tmp_path: Path) -> None:
    b = two_levels()
    b.load(store, tmp_path)
    answer = owners(store, b.uscc("A"), as_of="2022-01-01")
    holders = by_name(answer)
    assert list(holders) == ["郑州华信控股有限公司", "刘洋", "陈静"]
    assert holders["刘洋"]["direct"] is None
    assert holders["刘洋"]["effective"] == {"low": 42.0, "high": 42.0}
    assert holders["郑州华信控股有限公司"]["direct"] == {"low": 60.0, "high": 60.0}
    (path,) = holders["刘洋"]["paths"]
    assert [(s["holder"]["name"], s["percentage"]) for s in path] == [
        ("刘洋", 70.0), ("郑州华信控股有限公司", 60.0)]
    assert path[0]["provenance"]["file"] == "shareholdings.csv"
    cs = answer["controlling_shareholder"]
    assert (cs["holder"]["name"], cs["share"], cs["rule"]) == ("郑州华信控股有限公司", 60.0,
                                                                "majority")
    ac = answer["actual_controller"]
    assert (ac["controller"]["name"], ac["declared"], ac["ends"]) == ("刘洋", False, "person")
    owners_ = [(o["person"]["name"], o["basis"], o["fallback"])
               for o in answer["beneficial_owners"]]
    assert owners_ == [("刘洋", ["ownership", "control"], False),
                       ("陈静", ["ownership"], False)]
    later = owners(store, b.uscc("A"), as_of=AS_OF)  # 陈静's holding ended 2023-01-01
    assert list(by_name(later)) == ["郑州华信控股有限公司", "刘洋"]


def test_circular_holding_terminates_and_is_not_counted_twice(
        store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司")
    b.enterprise("B", "郑州华信控股有限公司")
    b.person("周杰", "周杰")
    b.holds("周杰", "B", 80, "2015-01-01")
    b.holds("B", "A", 60, "2016-01-01")
    b.holds("A", "B", 10, "2018-01-01")
    b.load(store, tmp_path)
    holders = by_name(owners(store, b.uscc("A"), as_of=AS_OF))
    assert {n: (h["effective"]["low"], h["path_count"]) for n, h in holders.items()} == {
        "郑州华信控股有限公司": (60.0, 1), "周杰": (48.0, 1)}
    holders = by_name(owners(store, b.uscc("B"), as_of=AS_OF))
    assert {n: (h["effective"]["low"], h["path_count"]) for n, h in holders.items()} == {
        "周杰": (80.0, 1), "郑州华信商贸有限公司": (10.0, 1)}
    members = group(store, b.uscc("A"), as_of=AS_OF)
    assert [(m["name"], m["relation"]) for m in members["members"]] == [
        ("郑州华信商贸有限公司", "self"), ("郑州华信控股有限公司", "parent")]


def test_declared_controller_overrides_and_is_marked(store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "河南金水建设工程有限公司")
    b.person("刘洋", "刘洋")
    b.person("黄涛", "黄涛")
    b.holds("刘洋", "A", 60, "2012-07-20")
    b.role("A", "黄涛", "actual_controller", "2012-07-20")
    b.load(store, tmp_path)
    answer = owners(store, b.uscc("A"), as_of=AS_OF)
    ac = answer["actual_controller"]
    assert (ac["controller"]["name"], ac["declared"], ac["ends"]) == ("黄涛", True, "declared")
    assert answer["controlling_shareholder"]["holder"]["name"] == "刘洋"
    assert [(o["person"]["name"], o["basis"]) for o in answer["beneficial_owners"]] == [
        ("刘洋", ["ownership"]), ("黄涛", ["declared_control"])]


def test_state_body_at_the_top_and_the_fallback_beneficial_owners(
        store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("S", "郑州市人民政府国有资产监督管理委员会", kind="state_body")
    b.enterprise("G", "郑州公交集团有限公司")
    b.enterprise("H", "郑州热力集团有限公司")
    b.person("周杰", "周杰")
    b.person("陈大文", "陈大文")
    b.person("黄涛", "黄涛")
    b.person("王芳", "王芳")
    b.holds("S", "G", 100, "2005-01-01")
    b.holds("S", "H", 100, "2005-01-01")
    b.role("G", "周杰", "legal_representative", "2010-01-01")
    b.role("G", "陈大文", "manager", "2019-01-01")
    b.role("G", "黄涛", "director", "2018-01-01")  # a director is not a senior manager
    b.role("G", "王芳", "cfo", "2015-01-01", "2020-01-01")  # left before the as-of date
    b.load(store, tmp_path)
    answer = owners(store, b.uscc("G"), as_of=AS_OF)
    ac = answer["actual_controller"]
    assert (ac["controller"]["name"], ac["ends"]) == ("郑州市人民政府国有资产监督管理委员会",
                                                      "state_body")
    fallback = {o["person"]["name"]: o for o in answer["beneficial_owners"]}
    assert set(fallback) == {"周杰", "陈大文"}
    assert all(o["fallback"] for o in fallback.values())
    assert fallback["周杰"]["basis"] == ["fallback:legal_representative"]
    assert fallback["陈大文"]["basis"] == ["fallback:manager"]
    assert fallback["陈大文"]["evidence"][0][0]["step"] == "role"
    # common state ownership does not make a group; from the state body it does
    assert [m["name"] for m in group(store, b.uscc("G"), as_of=AS_OF)["members"]] == [
        "郑州公交集团有限公司", "郑州市人民政府国有资产监督管理委员会"]
    top = group(store, b.uscc("S"), as_of=AS_OF)
    assert sorted(m["relation"] for m in top["members"]) == ["self", "subsidiary",
                                                             "subsidiary"]


def test_ranges_give_bounds_and_mark_beneficial_owners_by_the_high_bound(
        store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "郑州管城餐饮管理有限公司")
    b.person("王芳", "王芳")
    b.person("孙丽", "孙丽")
    b.holds("王芳", "A", "", "2019-05-05", pct_min="20", pct_max="30")
    b.holds("孙丽", "A", 10, "2019-05-05")
    b.load(store, tmp_path)
    answer = owners(store, b.uscc("A"), as_of=AS_OF)
    holders = by_name(answer)
    assert holders["王芳"]["direct"] == holders["王芳"]["effective"] == {"low": 20.0,
                                                                         "high": 30.0}
    assert holders["王芳"]["paths"][0][0]["range"] == [20.0, 30.0]
    (owner,) = answer["beneficial_owners"]
    assert (owner["person"]["name"], owner["by_high_bound_only"]) == ("王芳", True)


def test_paths_are_capped_but_every_path_counts(store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司")
    b.person("刘洋", "刘洋")
    for i in range(MAX_PATHS + 2):
        b.enterprise(f"M{i}", f"郑州华信投资{i}号有限公司")
        b.holds("刘洋", f"M{i}", 100, "2016-01-01")
        b.holds(f"M{i}", "A", 5, "2016-01-01")
    b.load(store, tmp_path)
    holder = by_name(owners(store, b.uscc("A"), as_of=AS_OF))["刘洋"]
    assert holder["effective"]["low"] == 5.0 * (MAX_PATHS + 2)
    assert (len(holder["paths"]), holder["path_count"], holder["paths_capped"]) == (
        MAX_PATHS, MAX_PATHS + 2, True)


def test_group_follows_control_up_and_down(store: Store, tmp_path: Path) -> None:
    b = two_levels()
    b.enterprise("S", "郑州华信物流有限公司")
    b.enterprise("T", "郑州华信供应链有限公司")
    b.enterprise("U", "郑州华信装饰工程有限公司")
    b.enterprise("X", "郑州刘洋餐饮有限公司")
    b.holds("A", "S", 51, "2018-01-01")
    b.holds("B", "T", 40, "2018-01-01")  # largest: controls
    b.holds("陈静", "T", 35, "2018-01-01")
    b.holds("A", "U", 20, "2018-01-01")  # not control
    b.holds("刘洋", "X", 100, "2018-01-01")  # controlled by a person: not in the group
    b.load(store, tmp_path)
    answer = group(store, b.uscc("A"), as_of=AS_OF)
    assert {(m["name"], m["relation"], m["depth"]) for m in answer["members"]} == {
        ("郑州华信商贸有限公司", "self", 0), ("郑州华信控股有限公司", "parent", 1),
        ("郑州华信物流有限公司", "subsidiary", 1), ("郑州华信供应链有限公司", "affiliate", 2)}
    order = [(m["depth"], m["id"]) for m in answer["members"]]
    assert order == sorted(order)
    edges = {(e["controller"], e["controlled"], e["basis"]) for e in answer["edges"]}
    assert edges == {(b.uscc("B"), b.uscc("A"), "majority"), (b.uscc("A"), b.uscc("S"),
                                                               "majority"),
                     (b.uscc("B"), b.uscc("T"), "largest")}
    assert answer["truncated"] is False
    assert len(group(store, b.uscc("A"), as_of="2017-01-01")["members"]) == 2


# --- properties of the arithmetic ---------------------------------------------------------

Holding = tuple[str, str, float, float]  # holder, enterprise, low, high


@st.composite
def holding_dags(draw: st.DrawFn) -> tuple[list[str], list[str], list[Holding]]:
    """A random acyclic holding structure; E0 is the root; a company's holders total
    at most 90 %, so a 5 % edge back from the root still fits."""
    enterprises = [f"E{i}" for i in range(draw(st.integers(1, 5)))]
    persons = [f"P{i}" for i in range(draw(st.integers(1, 3)))]
    holdings: list[Holding] = []
    for i, target in enumerate(enterprises):
        pool = enterprises[i + 1:] + persons
        holders = draw(st.lists(st.sampled_from(pool), unique=True, max_size=min(4, len(pool))))
        for holder in holders:
            low = float(draw(st.integers(1, 90 // len(holders))))
            extra = draw(st.sampled_from([0.0, 0.0, 2.5, 10.0]))
            holdings.append((holder, target, low, min(low + extra, 90.0 / len(holders))))
    return enterprises, persons, holdings


def write(store: Store, enterprises: list[str], persons: list[str],
          holdings: list[Holding]) -> None:
    store.clear()
    store.upsert_nodes("Enterprise", [EntityRow(e, {"name": e, "kind": "company"})
                                      for e in enterprises])
    store.upsert_nodes("Person", [EntityRow(p, {"name": p}) for p in persons])
    store.upsert_edges("HOLDS_SHARES", [
        EntityRow(edge_key("HOLDS_SHARES", h, t, "2020-01-01"),
                  {"start": "2020-01-01", "percentage": low} if low == high else
                  {"start": "2020-01-01", "pct_min": low, "pct_max": high}, source=h, target=t)
        for h, t, low, high in holdings])


def brute_force(holdings: list[Holding], root: str) -> dict[str, tuple[float, float]]:
    """Effective ownership by enumerating networkx simple paths (independent of the code)."""
    graph = nx.DiGraph()
    graph.add_node(root)
    for holder, target, low, high in holdings:
        graph.add_edge(holder, target, low=low, high=high)
    result = {}
    for holder in graph.nodes:
        if holder == root or not nx.has_path(graph, holder, root):
            continue
        sums = [0.0, 0.0]
        for path in nx.all_simple_paths(graph, holder, root):
            for i, bound in enumerate(("low", "high")):
                sums[i] += 100 * math.prod(graph.edges[a, b][bound] / 100
                                           for a, b in zip(path, path[1:], strict=False))
        result[holder] = (sums[0], min(sums[1], 100.0))
    return result


PROPERTY_SETTINGS = settings(max_examples=30, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(dag=holding_dags())
def test_effective_ownership_equals_the_sum_over_simple_paths(
        store: Store, dag: tuple[list[str], list[str], list[Holding]]) -> None:
    enterprises, persons, holdings = dag
    write(store, enterprises, persons, holdings)
    found = effective_ownership(store, "E0", AS_OF)
    expected = brute_force(holdings, "E0")
    assert set(found) == set(expected)
    for holder, (low, high) in expected.items():
        assert math.isclose(found[holder].low, low, abs_tol=1e-5)
        assert math.isclose(found[holder].high, high, abs_tol=1e-5)
        assert found[holder].low <= found[holder].high + 1e-9
        assert found[holder].high <= 100.0 and found[holder].low <= 100.0 + 1e-9


@PROPERTY_SETTINGS
@given(dag=holding_dags(), data=st.data())
def test_a_cycle_back_to_the_root_changes_nothing(
        store: Store, dag: tuple[list[str], list[str], list[Holding]],
        data: st.DataObject) -> None:
    enterprises, persons, holdings = dag
    write(store, enterprises, persons, holdings)
    before = {h: (o.low, o.high, len(o.paths))
              for h, o in effective_ownership(store, "E0", AS_OF).items()}
    held_by_root = data.draw(st.sampled_from(enterprises[1:] or ["E0"]))
    if held_by_root == "E0":
        return
    write(store, enterprises, persons, [*holdings, ("E0", held_by_root, 5.0, 5.0)])
    after = {h: (o.low, o.high, len(o.paths))
             for h, o in effective_ownership(store, "E0", AS_OF).items()}
    assert after == before and "E0" not in after

"""Family and associate links (issue 11, domain R5): loaded from relations.csv, their own
labelled category, shown by related, path and graph when asked, never carrying a measure
(R2). Both stores, concrete dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from credtrace.queries.accountability import accountable
from credtrace.queries.check import check
from credtrace.queries.network import neighbourhood
from credtrace.queries.paths import paths
from credtrace.queries.related import related
from tests.builders import Bundle

ON = "2024-01-01"


def director_and_son() -> Bundle:
    """A (under joint punishment) has 张伟 as director; his son 张小伟 holds 60 % of C; his
    wife 王芳 was married to him from 2001 until their divorce on 2022-05-01."""
    b = Bundle(seed=41)
    b.enterprise("A", "郑州华信商贸有限公司")
    b.enterprise("C", "郑州小伟科技有限公司")
    b.person("张伟", "张伟")
    b.person("张小伟", "张小伟")
    b.person("王芳", "王芳")
    b.role("A", "张伟", "director", "2018-01-01")
    b.role("A", "张伟", "legal_representative", "2018-01-01")
    b.holds("张小伟", "C", 60, "2020-06-01")
    b.relation("张伟", "张小伟", "子女")
    b.relation("张伟", "王芳", "配偶", "2001-10-01", "2022-05-01")
    b.measure("M1", "A", "joint_punishment", conduct="2021-06-15", start="2021-09-01")
    return b


def test_related_lists_family_apart_with_labels(store: Store, tmp_path: Path) -> None:
    b = director_and_son()
    b.load(store, tmp_path / "b")
    answer = related(store, b.key("张伟"), hops=2, as_of=ON)
    family = {r["name"]: [(x["relation"], x["label_zh"], x.get("kin")) for x in r["relations"]]
              for r in answer["family"]}
    assert family == {"张小伟": [("family", "子女", "child")],
                      "郑州小伟科技有限公司": [("indirect", "间接关联", None)]}
    assert [r["name"] for r in answer["related"]] == ["郑州华信商贸有限公司"]
    son = related(store, b.key("张小伟"), hops=1, as_of=ON)
    assert [(x["kin"], x["label_zh"]) for r in son["family"] for x in r["relations"]] == [
        ("parent", "父母")]
    before = related(store, b.key("张伟"), hops=1, as_of="2021-01-01")["family"]
    after = related(store, b.key("张伟"), hops=1, as_of="2023-01-01")["family"]
    assert sorted(r["name"] for r in before) == ["张小伟", "王芳"]  # married then
    assert [r["name"] for r in after] == ["张小伟"]  # divorced on 2022-05-01


def test_path_and_graph_show_family_when_asked(store: Store, tmp_path: Path) -> None:
    b = director_and_son()
    b.load(store, tmp_path / "b")
    assert paths(store, b.uscc("A"), b.uscc("C"), as_of=ON)["paths"] == []
    found = paths(store, b.uscc("A"), b.uscc("C"), as_of=ON,
                  kinds=["role", "shareholding", "family"])
    assert found["length"] == 3
    assert {tuple(n["name"] for n in p["nodes"]) for p in found["paths"]} == {
        ("郑州华信商贸有限公司", "张伟", "张小伟", "郑州小伟科技有限公司")}
    plain = neighbourhood(store, b.key("张伟"), hops=1, as_of=ON)
    assert "张小伟" not in {n["name"] for n in plain.nodes}
    asked = neighbourhood(store, b.key("张伟"), hops=1, as_of=ON, kinds=["family"])
    assert {n["name"] for n in asked.nodes} == {"张伟", "张小伟"}  # divorced by then


def test_family_links_never_carry_a_measure(store: Store, tmp_path: Path) -> None:
    b = director_and_son()
    b.load(store, tmp_path / "b")
    assert [e["name"] for e in accountable(store, b.uscc("A"), as_of=ON)["reached"]] == ["张伟"]
    for label in ("张小伟", "王芳", "C"):
        answer = check(store, b.key(label), as_of=ON)
        assert (answer["applies"], answer["measures"], answer["uncertain"]) == (False, [], [])


@pytest.mark.parametrize(("relation", "reason"), [
    ("表舅", "unknown relation"), ("配偶", "a party is not its own relative")])
def test_bad_relations_are_refused_with_the_reason(store: Store, tmp_path: Path,
                                                   relation: str, reason: str) -> None:
    b = Bundle(seed=42)
    b.person("张伟", "张伟")
    b.person("张小伟", "张小伟")
    b.relation("张伟", "张小伟" if relation == "表舅" else "张伟", relation)
    report = ingest_bundle(store, b.write(tmp_path / "b"))
    (reject,) = report.rejects
    assert (reject.file, reject.line) == ("relations.csv", 2) and reason in reject.reason

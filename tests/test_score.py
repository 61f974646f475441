"""The transparent score (domain.md §7): own measures, network exposure, grades, and the
contributions that always sum to 100 − score."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from credtrace.queries.score import EXPOSURE_CAP, score
from tests.builders import Bundle
from tests.conftest import EXAMPLE

AS_OF = "2024-01-01"


def balanced(answer: dict[str, Any]) -> bool:
    return math.isclose(sum(c["points"] for c in answer["contributions"]),
                        100 - answer["score"], abs_tol=1e-9)


def company(measure: str | None = None, start: str = AS_OF) -> Bundle:
    """郑州华信商贸 with legal representative 李娜, optionally under `measure` from `start`."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.person("李娜", "李娜")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    if measure:
        b.measure("M1", "A", measure, conduct="2019-06-15", start=start)
    return b


def test_a_clean_enterprise_scores_100(store: Store, tmp_path: Path) -> None:
    b = company()
    b.load(store, tmp_path)
    answer = score(store, b.uscc("A"), as_of=AS_OF)
    assert (answer["score"], answer["grade"], answer["supervision"], answer["contributions"]) \
        == (100.0, "A", "较少抽查", [])


@pytest.mark.parametrize(("start", "points", "grade"), [
    ("2024-01-01", 30.0, "C"),  # severity 3 × 10, new
    ("2022-01-01", 15.0, "B"),  # two years: half
    ("2020-01-01", 7.5, "A"),   # four years: a quarter
])
def test_own_measure_decays_with_a_two_year_half_life(
        store: Store, tmp_path: Path, start: str, points: float, grade: str) -> None:
    b = company("market_ban", start)
    b.load(store, tmp_path)
    answer = score(store, b.uscc("A"), as_of=AS_OF)
    (own,) = answer["contributions"]  # its legal representative's derived measure: not again
    assert (own["source"], own["kind"], own["type"]) == ("M1", "market_ban", "own")
    assert own["points"] == pytest.approx(points, abs=0.05)
    assert answer["grade"] == grade and balanced(answer)
    assert "市场禁入" in own["explanation"] and start in own["explanation"]


@pytest.mark.parametrize(("event", "factor", "flag"), [
    ("repaired", 0.2, None), ("exited", 0.2, None), ("objection_upheld", 0.0, None),
    ("objection_filed", 1.0, "under_objection")])
def test_state_of_an_own_measure_weighs_its_points(
        store: Store, tmp_path: Path, event: str, factor: float, flag: str | None) -> None:
    b = company("market_ban")
    if event == "objection_upheld":  # an upheld objection answers a filed one
        b.event("M1", "objection_filed", AS_OF)
    b.event("M1", event, AS_OF)
    b.load(store, tmp_path)
    (own,) = score(store, b.uscc("A"), as_of=AS_OF)["contributions"]
    assert own["points"] == pytest.approx(30.0 * factor) and own["flag"] == flag


def test_network_exposure_weighs_hops_and_relationships(store: Store, tmp_path: Path) -> None:
    b = company()
    b.enterprise("B", "郑州华信控股有限公司")
    b.enterprise("D", "郑州管城餐饮管理有限公司")
    b.person("王芳", "王芳")
    b.person("孙丽", "孙丽")
    b.holds("B", "A", 60, "2016-04-12")
    b.role("A", "王芳", "director", "2019-03-01")
    b.role("D", "王芳", "legal_representative", "2019-05-05")
    b.role("A", "孙丽", "supervisor", "2022-06-01")
    b.measure("JP-B", "B", "joint_punishment", conduct="2022-06-15", start="2022-09-01")
    b.measure("CG-D", "D", "procurement_exclusion", conduct="2023-02-01", start="2023-03-01")
    b.measure("ZG-S", "孙丽", "executive_disqualification", conduct="2021-11-20",
              start="2022-01-01", end="2027-01-01")
    b.load(store, tmp_path)
    answer = score(store, b.uscc("A"), as_of=AS_OF)
    found = {c["source"]: c for c in answer["contributions"]}
    assert {s: (c["points"], c["hops"], [p["link"] for p in c["path"]])
            for s, c in found.items()} == {
        "JP-B": (15.0, 1, ["controlled_by"]),            # 5 × 3 × 1.0
        "ZG-S": (7.5, 1, ["supervisor"]),                # 5 × 3 × 0.5
        "CG-D": (2.5, 2, ["director", "legal_representative"]),  # 5 × 2 × 0.5 × 1 × 0.5
    }
    assert [c["source"] for c in answer["contributions"]] == ["JP-B", "ZG-S", "CG-D"]
    assert "郑州管城餐饮管理有限公司" in found["CG-D"]["explanation"]
    assert answer["score"] == 75.0 and answer["grade"] == "B" and balanced(answer)
    earlier = score(store, b.uscc("A"), as_of="2022-07-01")  # only ZG-S in force then
    assert [(c["source"], c["points"]) for c in earlier["contributions"]] == [("ZG-S", 7.5)]


def test_exposure_is_capped_and_the_score_floored(store: Store, tmp_path: Path) -> None:
    b = company()
    for i in range(4):
        b.enterprise(f"S{i}", f"郑州华信{i}号分公司")
        b.holds("A", f"S{i}", 100, "2018-01-01")
        b.measure(f"JP-S{i}", f"S{i}", "joint_punishment", conduct="2022-06-15",
                  start="2022-09-01")
    for i in range(4):
        b.measure(f"JP-A{i}", "A", "joint_punishment", conduct="2023-06-15", start=AS_OF)
    b.load(store, tmp_path)
    answer = score(store, b.uscc("A"), as_of=AS_OF)
    kinds = [c["type"] for c in answer["contributions"]]
    assert kinds == ["own"] * 4 + ["exposure"] * 4 + ["exposure_cap", "floor"]
    cap = answer["contributions"][-2]
    assert cap["points"] == pytest.approx(EXPOSURE_CAP - 4 * 9.0)  # 5 × 3 × 0.6 each
    assert (answer["score"], answer["grade"], answer["supervision"]) == (0.0, "D", "重点监管")
    assert balanced(answer)


def test_contributions_sum_to_the_deduction_for_every_example_enterprise(
        store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    for enterprise in store.nodes("Enterprise"):
        for day in ("2021-03-01", AS_OF, "2026-11-01"):
            answer = score(store, enterprise.uid, as_of=day)
            assert balanced(answer) and 0 <= answer["score"] <= 100

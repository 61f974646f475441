"""双随机、一公开 draws: enterprises per grade at the plan's rates, inspectors never related
to the enterprise in the graph, and a draw anyone can redo from the public inputs."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import MemoryStore, Store
from credtrace.queries.common import InvalidInput
from credtrace.queries.inspections import Inspector, Plan, draw, seed_of
from tests.builders import Bundle

DAY = "2024-03-01"


def town() -> Bundle:
    """Twelve enterprises. Inspector 王检 is a director of 甲 since 2020, and 甲 holds 60 %
    of 乙 (so 乙 is two hops from him); he left 丙's board in 2022 (no longer related).
    Inspector 赵检 is in the graph but related to nothing; 钱检 is not in the graph."""
    b = Bundle(seed=5)
    for label, name in (("jia", "郑州甲实业有限公司"), ("yi", "郑州乙贸易有限公司"),
                        ("bing", "郑州丙物流有限公司")):
        b.enterprise(label, name)
    for i in range(9):
        b.enterprise(f"e{i}", f"郑州第{i}商贸有限公司")
    b.person("wang", "王检")
    b.person("zhao", "赵检")
    b.role("jia", "wang", "director", "2020-01-01")
    b.role("bing", "wang", "director", "2019-01-01", "2022-01-01")
    b.holds("jia", "yi", 60, "2020-01-01")
    return b


def inspectors(b: Bundle) -> list[Inspector]:
    return [Inspector("I-1", "王检", b.key("wang")), Inspector("I-2", "赵检", b.key("zhao")),
            Inspector("I-3", "钱检", None)]


def grades(b: Bundle) -> list[dict[str, str]]:
    """甲, 乙, 丙 graded C, the nine others A, in key order as an evaluation writes them."""
    rows = [{"uscc": b.uscc(label), "name": label,
             "grade": "C" if label in ("jia", "yi", "bing") else "A"}
            for label in b.keys if label not in ("wang", "zhao")]
    return sorted(rows, key=lambda r: r["uscc"])


def plan(**changes: object) -> Plan:
    data = {"name": "2024年第一批", "as_of": DAY, "published_value": "体彩 24021 期 0815",
            "rates": {"A": 0.3, "C": 1.0}, "inspectors_per_enterprise": 2, **changes}
    return Plan.parse(data)


def test_related_inspectors_are_never_drawn(store: Store, tmp_path: Path) -> None:
    b = town()
    b.load(store, tmp_path)
    result = draw(store, plan(), grades(b), inspectors(b), "evaluation-hash")
    assert (result["population"], result["drawn"]) == ({"A": 9, "C": 3}, {"A": 3, "C": 3})
    by_key = {e["uscc"]: e for e in result["sample"]}
    for label in ("jia", "yi"):  # a director of 甲; 甲 holds 60 % of 乙
        entry = by_key[b.uscc(label)]
        assert {i["name"] for i in entry["inspectors"]} == {"赵检", "钱检"}
        assert entry["excluded"] in ([], [{"id": "I-1", "name": "王检",
                                           "reason": "related within 2 hops"}])
    assert by_key[b.uscc("bing")]["excluded"] == []  # his term there ended in 2022


def test_too_few_unrelated_inspectors_is_said(store: Store, tmp_path: Path) -> None:
    b = town()
    b.load(store, tmp_path)
    result = draw(store, plan(inspectors_per_enterprise=3), grades(b), inspectors(b), "h")
    jia = next(e for e in result["sample"] if e["uscc"] == b.uscc("jia"))
    assert jia["short"] == "only 2 unrelated inspector(s) for 3 places"
    assert [x["name"] for x in jia["excluded"]] == ["王检"]
    bing = next(e for e in result["sample"] if e["uscc"] == b.uscc("bing"))
    assert (len(bing["inspectors"]), bing["excluded"]) == (3, [])  # his term there ended


def test_anyone_can_redo_the_draw_from_public_inputs(store: Store, tmp_path: Path) -> None:
    b = town()
    b.load(store, tmp_path)
    result = draw(store, plan(), grades(b), inspectors(b), "evaluation-hash")
    seed = hashlib.sha256("\x1f".join([
        "credtrace-draw-v1",
        json.dumps(result["plan"], ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        "体彩 24021 期 0815", "evaluation-hash"]).encode()).hexdigest()
    assert result["seed"] == seed == seed_of(plan(), "evaluation-hash")
    a_grade = [r["uscc"] for r in grades(b) if r["grade"] == "A"]
    lots = sorted(a_grade, key=lambda u: hashlib.sha256(f"{seed}\x1f{u}".encode()).hexdigest())
    expected = lots[:math.ceil(0.3 * len(a_grade))]
    assert [e["uscc"] for e in result["sample"] if e["grade"] == "A"] == expected
    again = draw(store, plan(), grades(b), inspectors(b), "evaluation-hash")
    assert again == result
    other = draw(store, plan(published_value="0816"), grades(b), inspectors(b), "evaluation-hash")
    assert other["seed"] != result["seed"] and other["content_hash"] != result["content_hash"]


@pytest.mark.parametrize(("field", "value"), [
    ("rates", {"A": 1.5}), ("rates", {"E": 0.1}), ("as_of", "2024-02-30"),
    ("published_value", ""), ("inspectors_per_enterprise", 0), ("hops", 99)])
def test_a_bad_plan_is_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInput, match=field.split("_")[0] if field != "as_of" else "."):
        plan(**{field: value})


def test_cli_draw_verify_and_audit(tmp_path: Path) -> None:
    spec = f"memory:{tmp_path / 'data'}"
    runner = CliRunner()
    b = town()
    bundle = b.write(tmp_path / "bundle")
    assert runner.invoke(app, ["ingest", str(bundle), "--store", spec, "--json"]).exit_code == 0
    done = runner.invoke(app, ["evaluate", "--as-of", DAY, "--store", spec,
                               "--out", str(tmp_path / "eval"), "--format", "jsonl"])
    assert done.exit_code == 0, done.output
    (tmp_path / "plan.json").write_text(json.dumps(
        {"name": "2024年第一批", "as_of": DAY, "published_value": "0815",
         "rates": {"A": 0.5}}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "inspectors.csv").write_text(
        f"inspector_id,name,person_id\nI-1,王检,{b.key('wang')}\nI-2,赵检,\nI-3,钱检,\n",
        encoding="utf-8")
    inputs = ["--plan", str(tmp_path / "plan.json"), "--evaluation", str(tmp_path / "eval"),
              "--inspectors", str(tmp_path / "inspectors.csv"), "--store", spec]
    drawn = runner.invoke(app, ["inspections", "draw", *inputs,
                                "--out", str(tmp_path / "draw.json")])
    assert drawn.exit_code == 0, drawn.output
    summary = json.loads(drawn.output)
    assert summary["drawn"] == {"A": 6} and summary["population"] == {"A": 12}
    audit = runner.invoke(app, ["audit", "show", "--store", spec, "--json"])
    assert summary["content_hash"] in audit.output and "inspections draw" in audit.output
    verified = runner.invoke(app, ["inspections", "verify", "--draw",
                                   str(tmp_path / "draw.json"), *inputs])
    assert verified.exit_code == 0 and "draw verified" in verified.output
    published = json.loads((tmp_path / "draw.json").read_text(encoding="utf-8"))
    published["sample"][0]["inspectors"].reverse()
    (tmp_path / "draw.json").write_text(json.dumps(published), encoding="utf-8")
    tampered = runner.invoke(app, ["inspections", "verify", "--draw",
                                   str(tmp_path / "draw.json"), *inputs])
    assert tampered.exit_code == 1 and "does not verify" in tampered.output
    (tmp_path / "inspectors.csv").write_text("inspector_id,name\n,无名\n", encoding="utf-8")
    bad = runner.invoke(app, ["inspections", "draw", *inputs, "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "line 2: inspector_id is missing" in bad.output


@settings(max_examples=40, deadline=None)
@given(population=st.lists(st.sampled_from("ABCD"), max_size=60),
       rates=st.dictionaries(st.sampled_from("ABCD"), st.floats(0, 1), min_size=1),
       value=st.text(min_size=1, max_size=8))
def test_the_sample_size_per_grade_follows_the_rates(population: list[str],
                                                     rates: dict[str, float],
                                                     value: str) -> None:
    rows = [{"uscc": f"K{i:04d}", "name": f"企业{i}", "grade": g}
            for i, g in enumerate(population)]
    chosen = Plan.parse({"name": "p", "as_of": DAY, "published_value": value, "rates": rates,
                         "inspectors_per_enterprise": 1})
    result = draw(MemoryStore(), chosen, rows, [Inspector("I-1", "甲", None)], "h")
    for grade, rate in rates.items():
        drawn = [e for e in result["sample"] if e["grade"] == grade]
        assert len(drawn) == math.ceil(round(rate * population.count(grade), 9))
        assert len({e["uscc"] for e in drawn}) == len(drawn)
    assert all(e["inspectors"] == [{"id": "I-1", "name": "甲"}] for e in result["sample"])


def test_a_tenth_of_thirty_is_three() -> None:
    rows = [{"uscc": f"K{i:04d}", "name": f"企业{i}", "grade": "B"} for i in range(30)]
    chosen = plan(rates={"B": 0.1})
    assert draw(MemoryStore(), chosen, rows, [], "h")["drawn"] == {"B": 3}

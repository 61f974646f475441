"""`check` and `check_batch`: scenarios, R2 (no chain reaction), batches, own measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.queries.check import check, check_batch
from credtrace.queries.common import EntityNotFound, InvalidInput
from tests.builders import Bundle

AS_OF = "2022-01-01"


def two_companies() -> Bundle:
    """李娜 is legal representative of 郑州华信商贸 (under joint punishment for conduct on
    2021-06-15) and of 郑州新华信贸易; 孙丽 is personally disqualified as an executive."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.enterprise("C", "郑州新华信贸易有限公司", established="2019-03-01")
    b.person("李娜", "李娜")
    b.person("孙丽", "孙丽")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    b.role("C", "李娜", "legal_representative", "2019-03-01")
    b.role("C", "孙丽", "director", "2020-06-01")
    b.measure("JP-1", "A", "joint_punishment", conduct="2021-06-15", start="2021-09-01")
    b.measure("ZG-1", "孙丽", "executive_disqualification", conduct="2021-03-01",
              start="2021-04-01", end="2024-04-01")
    return b


def test_r2_a_derived_measure_does_not_reach_the_persons_other_enterprise(
        store: Store, tmp_path: Path) -> None:
    b = two_companies()
    b.load(store, tmp_path)
    other = check(store, b.uscc("C"), as_of=AS_OF)
    assert (other["measures"], other["uncertain"], other["applies"]) == ([], [], False)
    risk = {r["person"]["name"]: r for r in other["risk"]}
    assert [(r["person"]["name"], r["roles"], r["measure"], r["derived"]) for r in other["risk"]] \
        == sorted([("孙丽", ["director"], "ZG-1", False),
                   ("李娜", ["legal_representative"], "JP-1", True)],
                  key=lambda r: b.key(str(r[0])))
    assert risk["李娜"]["source_subject"]["id"] == b.uscc("A")
    person = check(store, b.key("李娜"), as_of=AS_OF)
    assert [(m["measure"], m["derived"]) for m in person["measures"]] == [("JP-1", True)]
    own = check(store, b.uscc("A"), as_of=AS_OF)
    assert [(m["measure"], m["derived"], m["source"]) for m in own["measures"]] == [
        ("JP-1", False, None)]
    assert own["risk"] == []  # the measure derived from its own is not a risk signal
    assert check(store, b.uscc("C"), as_of=AS_OF, with_risk=False)["risk"] == []


def test_scenario_selects_the_measures_that_apply(store: Store, tmp_path: Path) -> None:
    b = two_companies()
    b.load(store, tmp_path)
    procurement = check(store, b.key("李娜"), scenario="procurement", as_of=AS_OF)
    assert procurement["applies"] and procurement["scenario"] == "procurement"
    assert "procurement" in procurement["measures"][0]["scenarios"]
    assert check(store, b.key("李娜"), scenario="travel", as_of=AS_OF)["measures"] == []
    appointment = check(store, b.key("孙丽"), scenario="executive_appointment", as_of=AS_OF)
    (item,) = appointment["measures"]
    assert (item["measure"], item["derived"], item["kind_zh"]) == ("ZG-1", False, "任职资格限制")
    assert [s["step"] for s in item["evidence"]] == ["measure", "person"]
    with pytest.raises(InvalidInput, match="unknown scenario 'procurment'"):
        check(store, b.key("李娜"), scenario="procurment", as_of=AS_OF)


def test_batch_answers_in_order_with_an_unknown_id_as_its_own_error(
        store: Store, tmp_path: Path) -> None:
    b = two_companies()
    b.load(store, tmp_path)
    ids = [b.uscc("A").lower(), "910000000000000000", f" {b.key('李娜')} ", b.uscc("C")]
    answers = check_batch(store, ids, as_of=AS_OF)
    assert len(answers) == 4
    assert answers[1] == {"id": "910000000000000000", "error": {
        "status": 404, "detail": "no enterprise or person with key '910000000000000000'"}}
    assert [a["subject"]["name"] for a in (answers[0], answers[2], answers[3])] == [
        "郑州华信商贸有限公司", "李娜", "郑州新华信贸易有限公司"]
    assert [a["applies"] for a in (answers[0], answers[2], answers[3])] == [True, True, False]
    for raw, answer in zip(ids, answers, strict=True):
        if "error" not in answer:
            assert answer == check(store, raw, as_of=AS_OF)
    with pytest.raises(EntityNotFound):
        check(store, "910000000000000000", as_of=AS_OF)
    assert check_batch(store, [], as_of=AS_OF) == []


def test_a_measure_key_is_not_a_party(store: Store, tmp_path: Path) -> None:
    b = two_companies()
    b.load(store, tmp_path)
    (answer,) = check_batch(store, ["JP-1"], as_of=AS_OF)
    assert answer["error"]["status"] == 404


def test_status_without_a_dated_event_is_uncertain(store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "河南金水建设工程有限公司", established="2012-07-20")
    b.person("周杰", "周杰")
    b.role("A", "周杰", "legal_representative", "2012-07-20")
    b.measure("XG-1", "A", "high_consumption_restriction", conduct="2022-05-10",
              start="2022-08-01", status="repaired")
    b.load(store, tmp_path)
    for label in ("A", "周杰"):
        answer = check(store, b.key(label), as_of="2024-01-01")
        assert answer["measures"] == [] and answer["applies"] is False
        (item,) = answer["uncertain"]
        assert item["measure"] == "XG-1" and "no dated event" in item["reason"]
        assert item["derived"] is (label == "周杰")


def test_answers_are_sorted_and_carry_state_and_evidence(store: Store, tmp_path: Path) -> None:
    b = two_companies()
    b.measure("CG-1", "A", "procurement_exclusion", conduct="2021-01-05", start="2021-02-01")
    b.measure("HI-1", "A", "heightened_inspection", conduct="2021-01-05", start="2030-01-01")
    b.load(store, tmp_path)
    answer = check(store, b.uscc("A"), as_of=AS_OF)
    assert [m["measure"] for m in answer["measures"]] == ["CG-1", "JP-1"]  # HI-1 not started
    for item in answer["measures"]:
        assert set(item) >= {"measure", "kind", "kind_zh", "derived", "source", "subject",
                             "state", "scenarios", "evidence"}
        assert item["evidence"][0]["provenance"]["file"] == "measures.csv"
    # procurement exclusion does not reach persons
    assert [m["measure"] for m in check(store, b.key("李娜"), as_of=AS_OF)["measures"]] == [
        "JP-1"]


def test_cli_check_batch_and_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from credtrace.api.cli import app

    b = two_companies()
    folder = b.write(tmp_path / "bundle")
    spec = f"memory:{tmp_path / 'data'}"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(folder), "--store", spec, "--json"]).exit_code == 0
    result = runner.invoke(app, ["check", b.key("李娜"), "--store", spec, "--as-of", AS_OF,
                                 "--json"])
    assert result.exit_code == 0 and '"measure": "JP-1"' in result.stdout
    result = runner.invoke(app, ["check", b.uscc("C"), "nobody", "--store", spec,
                                 "--as-of", AS_OF])
    assert result.exit_code == 1 and "risk: 李娜" in result.stdout
    for verb in ("owners", "group", "score"):
        assert runner.invoke(app, [verb, b.uscc("A"), "--store", spec]).exit_code == 0

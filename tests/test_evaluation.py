"""The city-wide evaluation run: every enterprise graded in key order, the change since
the previous run and why, a content hash that depends on the data and the date only, and
the files of `credtrace evaluate`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import Store
from credtrace.queries.evaluation import Evaluation
from tests.builders import Bundle


def city() -> Bundle:
    """华信 under a joint-punishment listing from 2024-01-01 (repaired 2024-06-01); its legal
    representative 李娜 also represents 新华信 (exposed through her); 管城 is clean."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.enterprise("B", "郑州新华信贸易有限公司", established="2018-03-01")
    b.enterprise("C", "郑州管城餐饮管理有限公司", established="2015-05-20")
    b.person("李娜", "李娜")
    b.person("王强", "王强")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    b.role("B", "李娜", "legal_representative", "2018-03-01")
    b.role("C", "王强", "legal_representative", "2015-05-20")
    b.measure("M1", "A", "joint_punishment", conduct="2023-06-15", start="2024-01-01")
    b.event("M1", "repaired", "2024-06-01")
    return b


def test_every_enterprise_graded_with_the_change_since_the_previous_run(
        store: Store, tmp_path: Path) -> None:
    b = city()
    b.load(store, tmp_path)
    first = Evaluation(store, as_of="2024-01-01")
    rows = list(first.rows())
    assert [r["uscc"] for r in rows] == sorted(b.uscc(x) for x in "ABC")
    by_name = {r["name"]: r for r in rows}
    # an active joint punishment caps the grade at D (issue 15's grade caps)
    assert (by_name["郑州华信商贸有限公司"]["grade"], by_name["郑州华信商贸有限公司"]["score"]) \
        == ("D", 59.99)
    exposed = by_name["郑州新华信贸易有限公司"]
    assert (exposed["grade"], exposed["score"]) == ("B", 85.0)
    assert "李娜" in exposed["main"][0]
    assert by_name["郑州管城餐饮管理有限公司"]["grade"] == "A"
    assert {r["change"]["direction"] for r in rows} == {"new"}
    assert first.grades == {"A": 1, "B": 1, "D": 1}

    later = Evaluation(store, as_of="2024-07-01", previous=rows)
    moved = {r["name"]: r["change"] for r in later.rows()}
    repaired = moved["郑州华信商贸有限公司"]
    assert (repaired["direction"], repaired["previous_grade"]) == ("up", "D")
    assert repaired["why"] and repaired["why"][0].startswith("changed own M1")
    assert moved["郑州新华信贸易有限公司"]["direction"] == "up"
    assert moved["郑州新华信贸易有限公司"]["why"][0].startswith("gone exposure M1")
    assert moved["郑州管城餐饮管理有限公司"] == {
        "direction": "same", "previous_grade": "A", "previous_score": 100.0,
        "score_delta": 0.0, "why": []}
    assert later.changes == {"up": 2, "same": 1} and later.gone == []


def test_the_content_hash_depends_on_data_and_date_only(store: Store, tmp_path: Path) -> None:
    city().load(store, tmp_path)

    def hashed(day: str) -> str:
        run = Evaluation(store, as_of=day)
        list(run.rows())
        return run.content_hash

    once = Evaluation(store, as_of="2024-01-01")
    rows = list(once.rows())
    again = Evaluation(store, as_of="2024-01-01", previous=rows)
    list(again.rows())
    assert again.content_hash == once.content_hash == hashed("2024-01-01")
    assert hashed("2024-07-01") != once.content_hash


def test_enterprises_gone_since_the_previous_run_are_named(store: Store, tmp_path: Path) -> None:
    b = city()
    b.load(store, tmp_path)
    first = list(Evaluation(store, as_of="2024-01-01").rows())
    ghosts = [{**first[0], "uscc": "0" * 18}, *first, {**first[-1], "uscc": "Z" * 18}]
    run = Evaluation(store, as_of="2024-01-01", previous=ghosts)
    assert [r["change"]["direction"] for r in run.rows()] == ["same"] * 3
    assert run.gone == ["0" * 18, "Z" * 18]


def test_cli_writes_jsonl_csv_xlsx_and_the_run_record(tmp_path: Path) -> None:
    spec = f"memory:{tmp_path / 'data'}"
    runner = CliRunner()
    bundle = city().write(tmp_path / "bundle")
    assert runner.invoke(app, ["ingest", str(bundle), "--store", spec, "--json"]).exit_code == 0

    def evaluate(day: str, out: str, *extra: str) -> dict:
        result = runner.invoke(app, ["evaluate", "--as-of", day, "--store", spec,
                                     "--out", str(tmp_path / out), *extra])
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / out / "run.json").read_text(encoding="utf-8"))

    first = evaluate("2024-01-01", "jan")
    assert (first["enterprises"], first["grades"]) == (3, {"A": 1, "B": 1, "D": 1})
    second = evaluate("2024-07-01", "jul", "--previous", str(tmp_path / "jan"))
    assert second["changes"] == {"same": 1, "up": 2}
    assert second["previous_content_hash"] == first["content_hash"]
    assert evaluate("2024-01-01", "jan2")["content_hash"] == first["content_hash"]
    with (tmp_path / "jul" / "evaluation.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert (tmp_path / "jul" / "evaluation.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    huaxin = next(r for r in table if r["name"] == "郑州华信商贸有限公司")
    assert (huaxin["grade"], huaxin["change"], huaxin["previous_grade"]) == ("A", "up", "D")
    assert "M1" in huaxin["why"]
    sheet = load_workbook(tmp_path / "jul" / "evaluation.xlsx", read_only=True).worksheets[0]
    values = list(sheet.values)
    assert values[0][:4] == ("uscc", "name", "score", "grade") and len(values) == 4
    assert {v[1] for v in values[1:]} == {r["name"] for r in table}
    bad = runner.invoke(app, ["evaluate", "--store", spec, "--out", str(tmp_path / "x"),
                              "--previous", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2 and "no earlier run" in bad.output

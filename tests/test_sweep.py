"""The city-wide alert sweep: every alert (no 500 cut), each with its kind and the date it
arose, filtered by kind, USCC region prefix and date range; undated alerts are kept."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import Store
from credtrace.ingest.identifiers import make_uscc
from credtrace.queries.alerts import alerts
from credtrace.queries.common import InvalidInput
from credtrace.queries.sweep import Sweep
from tests.builders import Bundle

AS_OF = "2024-01-01"
#: More boards than the alert list's default cut of 500.
BOARDS = 505


def nominee() -> Bundle:
    """孙丽, disqualified 2022-01-01 – 2025-01-01, sits on 505 boards in 金水区 (410105)
    since 2022-06-01, on 洛阳's 西工区 (410303) 洛阳某公司's board since 2021-05-01, and on
    郑州某公司's board from an unknown date."""
    b = Bundle(seed=18)
    b.person("sunli", "孙丽")
    b.measure("ZG-1", "sunli", "executive_disqualification", conduct="2021-11-20",
              start="2022-01-01", end="2025-01-01")
    for i in range(BOARDS):
        b.enterprise(f"e{i}", f"郑州金水第{i}贸易有限公司")
        b.role(f"e{i}", "sunli", "director", "2022-06-01")
    b.enterprise("luoyang", "洛阳某公司")
    b.rows["enterprises"][-1]["uscc"] = b.keys["luoyang"] = make_uscc(b.rng, "410303")
    b.role("luoyang", "sunli", "director", "2021-05-01")
    b.enterprise("undated", "郑州某公司")
    b.role("undated", "sunli", "director")
    return b


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> tuple[Store, Bundle]:
    b = nominee()
    b.load(store, tmp_path)
    return store, b


def test_every_alert_without_the_list_cut(loaded: tuple[Store, Bundle]) -> None:
    store, b = loaded
    capped = alerts(store, as_of=AS_OF)
    assert len(capped["forbidden_roles"]) == 500 and capped["truncated"]["forbidden_roles"] == 7
    run = Sweep(store, as_of=AS_OF)
    found = list(run.alerts())
    roles = [a for a in found if a["kind"] == "forbidden_roles"]
    assert len(roles) == BOARDS + 2 == run.counts["forbidden_roles"]
    assert {a["enterprise"]["id"] for a in roles} == set(b.keys.values()) - {b.key("sunli")}
    dated = {a["enterprise"]["name"]: (a["date"], a["undated"]) for a in roles}
    assert dated["郑州金水第0贸易有限公司"] == ("2022-06-01", False)
    assert dated["洛阳某公司"] == ("2022-01-01", False)  # on the board before the ban
    assert dated["郑州某公司"] == (None, True)
    assert run.complete


def test_region_kind_and_date_filters(loaded: tuple[Store, Bundle]) -> None:
    store, b = loaded

    def swept(**filters: Any) -> list[str]:
        return [a["enterprise"]["name"] for a in Sweep(
            store, as_of=AS_OF, **{"kinds": ["forbidden_roles"], **filters}).alerts()]

    assert swept(region="410303") == ["洛阳某公司"]
    assert len(swept(region="4101")) == BOARDS + 1
    assert swept(kinds=["new_shells"]) == []
    exposed = swept(kinds=["exposure"], region="410303")  # 1 hop from 孙丽
    assert exposed == ["洛阳某公司"]
    assert "洛阳某公司" not in swept(since="2022-03-01")
    assert "郑州某公司" in swept(since="2022-03-01")  # undated: kept, and says so
    assert set(swept(until="2022-03-01")) == {"洛阳某公司", "郑州某公司"}
    for bad in ({"region": "41x"}, {"region": "4101050"}, {"kinds": ["everything"]},
                {"since": "2022-13-01"}):
        with pytest.raises(InvalidInput):
            Sweep(store, as_of=AS_OF, **bad)  # type: ignore[arg-type]


def test_cli_sweep_to_jsonl_and_csv(tmp_path: Path) -> None:
    spec = f"memory:{tmp_path / 'data'}"
    runner = CliRunner()
    bundle = nominee().write(tmp_path / "bundle")
    assert runner.invoke(app, ["ingest", str(bundle), "--store", spec, "--json"]).exit_code == 0
    common = ["alerts", "--all", "--store", spec, "--as-of", AS_OF]
    result = runner.invoke(app, [*common, "--out", str(tmp_path / "all.jsonl")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds.count("forbidden_roles") == kinds.count("exposure") == BOARDS + 2
    assert json.loads(lines[0])["person"]["name"] == "孙丽"
    result = runner.invoke(app, [*common, "--region", "410303", "--kind", "forbidden_roles",
                                 "--mask-ids", "--out", str(tmp_path / "luoyang.csv")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "luoyang.csv").open(encoding="utf-8-sig", newline="") as fh:
        (row,) = csv.DictReader(fh)
    assert (row["kind"], row["enterprise_name"], row["person_name"], row["measures"]) \
        == ("forbidden_roles", "洛阳某公司", "孙丽", "ZG-1")
    assert "**********" in row["person"]
    bad = runner.invoke(app, [*common, "--out", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2
    bad = runner.invoke(app, [*common, "--region", "abc", "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 1 and "region" in bad.output

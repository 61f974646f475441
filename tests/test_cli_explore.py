"""The exploration verbs of the CLI: `related`, `path`, `alerts`, `graph`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from credtrace.api.cli import app
from tests.conftest import EXAMPLE

HUAXIN, XINHUAXIN, SUNLI = "914101057123456728", "91410102812345696N", "41018319810606028X"


def test_explore_verbs(tmp_path: Path) -> None:
    runner = CliRunner()
    spec = f"memory:{tmp_path / 'data'}"
    assert runner.invoke(app, ["ingest", str(EXAMPLE), "--store", spec, "--json"]).exit_code == 0
    common = ["--store", spec, "--as-of", "2024-01-01"]

    def run_json(*args: str) -> dict:
        result = runner.invoke(app, [*args, *common, "--json", "--reveal-ids"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    related = run_json("related", HUAXIN, "--hops", "2")
    assert "郑州新华信贸易有限公司" in {r["name"] for r in related["related"]}
    found = run_json("path", HUAXIN, XINHUAXIN, "--kinds", "role", "--max-hops", "3")
    assert (found["length"], found["kinds"][0]) == (2, "LEGAL_REPRESENTATIVE")
    shares = run_json("path", HUAXIN, XINHUAXIN, "--kinds", "shareholding,suspected")
    assert {e["type"] for p in shares["paths"] for e in p["edges"]} == {"HOLDS_SHARES"}
    warned = run_json("alerts", "--k", "1")
    assert [a["person"]["id"] for a in warned["forbidden_roles"]] == [SUNLI]
    graph = run_json("graph", HUAXIN, "--hops", "1", "--max-nodes", "3")
    assert len(graph["nodes"]) == 3 and graph["truncated"]
    for verb in (["related", HUAXIN], ["path", HUAXIN, XINHUAXIN], ["alerts"],
                 ["graph", HUAXIN]):
        result = runner.invoke(app, [*verb, *common])
        assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["related", HUAXIN, "--hops", "99", *common])
    assert bad.exit_code == 1 and "hops must be between" in bad.output

"""Request limits: one value, checked where it is built and passed in; no query or page
reads settings, and the CLI gives its own (the environment, `--max-nodes`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph.limits import Limits
from credtrace.graph.settings import Settings
from tests.conftest import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
HUAXIN = "914101057123456728"


def test_limits_are_checked_where_they_are_built() -> None:
    with pytest.raises(ValueError, match="max_nodes must be between 10 and 5000, got 3"):
        Limits(max_nodes=3)
    with pytest.raises(ValidationError, match="max_results must be between 1 and 100000"):
        Settings(max_results=0)
    assert Settings(max_results=5000, max_hops=2).limits == Limits(max_results=5000, max_hops=2)


@pytest.mark.parametrize("package", ["queries", "viz"])
def test_no_query_or_page_reads_settings(package: str) -> None:
    readers = [str(path.relative_to(ROOT)) for path in (ROOT / package).rglob("*.py")
               if "Settings" in path.read_text(encoding="utf-8")]
    assert readers == []


def test_the_cli_honours_its_limits(tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", f"memory:{tmp_path / 'data'}"]
    assert runner.invoke(app, ["ingest", str(EXAMPLE), *store, "--json"]).exit_code == 0
    narrow = {"CREDTRACE_MAX_RESULTS": "5"}

    refused = runner.invoke(app, ["search", "郑州", "--limit", "6", *store], env=narrow)
    assert refused.exit_code == 1 and "limit must be between 1 and 5, got 6" in refused.output
    found = runner.invoke(app, ["search", "郑州", "--limit", "5", *store, "--json"], env=narrow)
    assert found.exit_code == 0 and json.loads(found.output)["count"] == 5

    page = tmp_path / "ego.html"
    drawn = runner.invoke(app, ["viz", "ego", HUAXIN, "--hops", "2", "--max-nodes", "10",
                                "--as-of", "2024-01-01", "--out", str(page), *store])
    assert drawn.exit_code == 0, drawn.output
    assert "节点超过上限 10" in page.read_text(encoding="utf-8")
    too_few = runner.invoke(app, ["viz", "ego", HUAXIN, "--max-nodes", "3",
                                  "--out", str(page), *store])
    assert too_few.exit_code == 2 and "max_nodes must be between 10 and 5000" in too_few.output

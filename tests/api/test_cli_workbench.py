"""The terminal side of the workbench: `credtrace search` (Chinese as typed, masked on
request), path text that shows each step's direction (a cross-holding gives two different
lines), and `credtrace demo` ending with next commands that work on the demo's store."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from credtrace.api.cli import app as cli
from credtrace.api.keys import KeyStore
from credtrace.api.roles import Role
from credtrace.api.securitydb import SecurityDB
from tests.api.conftest import LINA
from tests.builders import Bundle
from tests.conftest import EXAMPLE


def run(tmp_path: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env={
        "CREDTRACE_SECURITY_DB": str(tmp_path / "security.sqlite"), "COLUMNS": "200"})
    return result


def test_demo_ends_with_next_commands_that_find_its_store(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    demo = run(tmp_path, "demo", "--out", str(out))
    assert demo.exit_code == 0, demo.output
    commands = demo.output.split("next, on the demo's store:")[1].strip().splitlines()
    assert [shlex.split(c)[1] for c in commands] == ["search", "check", "accountable", "ui"]
    assert all(f"--store memory:{out / 'data'}" in c for c in commands)
    found = run(tmp_path, *shlex.split(commands[0])[1:], "--json")
    assert found.exit_code == 0, found.output
    assert [r["name"] for r in json.loads(found.output)["results"]] == ["郑州华信商贸有限公司"]
    checked = run(tmp_path, *shlex.split(commands[1])[1:])
    assert checked.exit_code == 0 and "APPLIES" in checked.output


def test_search_finds_chinese_names_and_masks_on_request(tmp_path: Path) -> None:
    store = f"memory:{tmp_path / 'data'}"
    assert run(tmp_path, "ingest", str(EXAMPLE), "--store", store).exit_code == 0
    shown = run(tmp_path, "search", "李娜", "--store", store)
    assert shown.exit_code == 0 and "李娜" in shown.output and LINA in shown.output
    masked = run(tmp_path, "search", "李娜", "--store", store, "--mask-ids", "--json")
    hit = json.loads(masked.output)["results"][0]
    assert LINA not in masked.output and hit["id"].startswith("4101**") and "~" in hit["id"]
    assert run(tmp_path, "search", " ", "--store", store).exit_code == 2


def test_path_text_shows_direction_of_a_cross_holding(tmp_path: Path) -> None:
    b = Bundle(seed=3)
    b.enterprise("A", "甲公司")
    b.enterprise("B", "乙公司")
    b.holds("A", "B", 10, "2019-01-01")
    b.holds("B", "A", 20, "2019-01-01")
    store = f"memory:{tmp_path / 'data'}"
    assert run(tmp_path, "ingest", str(b.write(tmp_path / "bundle")), "--store",
               store).exit_code == 0
    answer = run(tmp_path, "path", b.key("A"), b.key("B"), "--as-of", "2024-01-01",
                 "--store", store)
    assert answer.exit_code == 0, answer.output
    lines = [line for line in answer.output.splitlines() if line.startswith("│ ")]
    assert sorted(line.split("│")[2].strip() for line in lines) == [
        "甲公司 ←股东← 乙公司", "甲公司 →股东→ 乙公司"]


def test_ui_serves_with_a_local_key_revoked_at_exit(tmp_path: Path, monkeypatch: Any) -> None:
    served: list[Any] = []
    opened: list[str] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: served.append(kw))
    monkeypatch.setattr("credtrace.api.cli.workbench.webbrowser.open", opened.append)
    result = run(tmp_path, "ui", "--store", f"memory:{tmp_path / 'data'}", "--port", "8765")
    assert result.exit_code == 0, result.output
    assert served == [{"host": "127.0.0.1", "port": 8765, "log_level": "warning"}]
    assert opened and opened[0].startswith("http://127.0.0.1:8765/ui#key=ctk_")
    secret = opened[0].split("#key=")[1]
    keys = KeyStore(SecurityDB(tmp_path / "security.sqlite"))
    assert keys.verify(secret) is None  # revoked when the server stopped
    [key] = keys.all()
    assert key.role == Role.INVESTIGATOR and key.revoked

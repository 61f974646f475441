"""ID numbers in the CLI: the query verbs answer the local administrator and show them
unless `--mask-ids`; ingest warnings, the demo and every file meant for handing on mask
them unless `--reveal-ids`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from credtrace.api.cli import app
from tests.conftest import EXAMPLE

HUAXIN, XINHUAXIN, LINA = "914101057123456728", "91410102812345696N", "410105198207070429"
PERSONS = [line.split(",")[0] for line in
           (EXAMPLE / "persons.csv").read_text(encoding="utf-8").splitlines()[1:]]
#: Every command that prints persons, with arguments that make it name some.
COMMANDS = [["accountable", HUAXIN], ["check", LINA, HUAXIN], ["owners", HUAXIN],
            ["score", HUAXIN], ["related", HUAXIN, "--hops", "2"], ["path", HUAXIN, XINHUAXIN],
            ["alerts"], ["graph", HUAXIN, "--hops", "2"]]


def test_default_output_holds_no_id_number(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "250"})  # wide enough that no cell is cut
    spec = f"memory:{tmp_path / 'data'}"
    outputs = {"ingest": runner.invoke(app, ["ingest", str(EXAMPLE), "--store", spec]),
               "demo": runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"),
                                           "--as-of", "2024-01-01"])}
    for args in COMMANDS:
        for extra in (["--mask-ids"], ["--mask-ids", "--json"]):
            outputs[" ".join([*args, *extra])] = runner.invoke(
                app, [*args, *extra, "--store", spec, "--as-of", "2024-01-01"])
    for what, result in outputs.items():
        assert result.exit_code == 0, (what, result.output)
        assert [p for p in PERSONS if p in result.output] == [], what
    masked = outputs[f"accountable {HUAXIN} --mask-ids"].output
    assert "4101**********0429~" in masked  # masked, still shown
    revealed = runner.invoke(app, ["accountable", HUAXIN, "--store", spec,
                                   "--as-of", "2024-01-01", "--json"])
    assert LINA in revealed.output  # the administrator's default

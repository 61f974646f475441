"""The `credtrace` script's quick start: a verb imports its own module only, answers as the
full command line does, and the service's, the readers' and the exporters' libraries stay
unloaded for a query on the embedded store."""

from __future__ import annotations

import ast
import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from credtrace.api import cli
from credtrace.graph import MemoryStore
from credtrace.ingest import ingest_bundle
from tests.conftest import EXAMPLE

HUAXIN = "914101057123456728"
#: Libraries a query on the embedded store does without (pydantic itself typer loads).
HEAVY = ("fastapi", "pandas", "neo4j", "pyvis", "openpyxl", "pydantic_settings", "uvicorn",
         "numpy")
#: Runs the script's entry point with argv, then prints the heavy modules it loaded.
SCRIPT = """
import json, sys
watched = set(json.loads(sys.argv[2]))
sys.argv = ["credtrace", *json.loads(sys.argv[1])]
from credtrace.api.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & watched)
print("HEAVY", json.dumps(heavy))
sys.exit(code)
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store")
    store = MemoryStore(path)
    ingest_bundle(store, EXAMPLE)
    store.flush()
    return path


def script(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The script's run and the heavy libraries it imported."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(args), json.dumps(HEAVY)],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    output, _, heavy = done.stdout.rpartition("HEAVY ")
    done.stdout = output
    return done, json.loads(heavy) if heavy else ["(no report)"]


def table() -> dict[str, str]:
    """Each verb and sub-verb (``keys create``) of `cli.VERBS` and its ``module:function``."""
    flat: dict[str, str] = {}
    for verb, entry in cli.VERBS.items():
        if isinstance(entry, cli.Group):
            flat |= {f"{verb} {sub}": target for sub, target in entry.verbs.items()}
        else:
            flat[verb] = entry
    return flat


def registered(app: typer.Typer) -> dict[str, str]:
    """Each verb and sub-verb of `app` (``keys create``) and its function's module."""
    found = {str(c.name): c.callback.__module__ for c in app.registered_commands
             if c.callback is not None}
    for group in app.registered_groups:
        found |= {f"{group.name} {verb}": module
                  for verb, module in registered(group.typer_instance).items()}
    return found


def test_the_table_names_every_verb_and_the_module_that_runs_it() -> None:
    assert registered(cli.load()) == {
        verb: f"credtrace.api.cli.{target.partition(':')[0]}" for verb, target in table().items()}
    assert set(registered(cli.load("keys"))) == {v for v in table() if v.startswith("keys ")}


def test_only_the_table_registers_and_command_modules_do_not_import_each_other() -> None:
    """Registering is `api.cli.load`'s alone; what command modules share (and a helper of
    one) is in a module no verb names (`common`, `tables`, `sweep`)."""
    folder = Path(cli.__file__).parent
    commands = {target.partition(":")[0] for target in table().values()}
    for source in sorted(folder.glob("*.py")):
        if source.name == "__init__.py":
            continue
        tree = ast.parse(source.read_text("utf-8"))
        calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute)}
        assert not calls & {"command", "add_typer", "callback", "Typer"}, source.name
        imported = {node.module.removeprefix("credtrace.api.cli.") for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("credtrace.api.cli.")}
        assert not imported & commands, source.name


@pytest.mark.parametrize("verb", ["check", "owners", "score", "accountable"])
def test_a_query_answers_as_before_without_the_heavy_libraries(folder: Path, verb: str) -> None:
    args = [verb, HUAXIN, "--store", f"memory:{folder}", "--as-of", "2024-01-01", "--json"]
    done, heavy = script(*args)
    assert done.returncode == 0, done.stderr
    assert heavy == []
    whole = CliRunner().invoke(cli.load(), args)
    assert whole.exit_code == 0, whole.output
    assert json.loads(done.stdout) == json.loads(whole.output)


def test_a_lone_verb_stays_a_verb_and_errors_are_unchanged(folder: Path) -> None:
    evaluate, _ = script("evaluate", "--help")
    assert evaluate.returncode == 0 and "credtrace evaluate" in evaluate.stdout
    missing, _ = script("check", "NOPE", "--store", f"memory:{folder}")
    assert missing.returncode == CliRunner().invoke(
        cli.load(), ["check", "NOPE", "--store", f"memory:{folder}"]).exit_code
    unknown, _ = script("chekc")
    assert unknown.returncode == 2 and "No such command" in unknown.stderr


def test_loading_the_graph_leaves_the_collector_as_it_was(folder: Path) -> None:
    assert gc.isenabled()
    assert MemoryStore(folder).counts()["Enterprise"] == 8
    assert gc.isenabled()


def test_the_packages_and_an_online_load_do_without_the_neo4j_driver() -> None:
    """`import graph` and the online load path leave the Neo4j driver unloaded (a bulk
    load and a Neo4j store import it when they run)."""
    code = "import sys, graph, ingest.load, queries.check; print('neo4j' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "False", done.stderr

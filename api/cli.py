"""The `credtrace` command line: gathers the commands of `api/cmd_*.py` on one app.

Each command module registers its commands on `api.cliapp.app` when imported. `main`, the
installed `credtrace` script, imports only the module of the verb it is asked for (a query
needs neither FastAPI, pandas, the Neo4j driver nor pyvis, whose imports took longer than
the query); `--help`, no verb or an unknown one imports them all. `app` (every command) is
made on first use, e.g. by tests: ``from api.cli import app``.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

#: The module (`api.cmd_<name>`) that registers each verb; `tests/api/test_cli.py` keeps it
#: equal to what the modules register.
VERBS: dict[str, str] = {
    "accountable": "accountability",
    "audit": "audit",
    "backup": "backup", "restore": "backup",
    "evaluate": "evaluate",
    "related": "explore", "path": "explore", "alerts": "explore", "graph": "explore",
    "generate": "generate",
    "ingest": "ingest", "demo": "ingest",
    "inspections": "inspections",
    "keys": "keys",
    "disclosure": "law",
    "check": "queries", "owners": "queries", "group": "queries", "score": "queries",
    "serve": "serve",
    "report": "viz", "export": "viz", "viz": "viz",
    "search": "workbench", "ui": "workbench",
}

#: Verbs that read the store and print an answer. They run without garbage collection (a
#: collection would walk the whole loaded graph; what a query leaves is small) and exit
#: without one: at exit the interpreter would collect the graph object by object, a third
#: of such a command's time at 20k enterprises; the system frees the process at once.
QUICK = frozenset({"check", "owners", "group", "score", "accountable", "related", "path",
                   "graph", "search"})


def load(*modules: str) -> typer.Typer:
    """The app with the commands of `modules` (every module when none is named)."""
    for name in modules or sorted(set(VERBS.values())):
        importlib.import_module(f"api.cmd_{name}")
    from api.cliapp import app as loaded

    return loaded


def main() -> Any:
    """The `credtrace` script: the verb's module only, then the command."""
    verb = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    asked_help = any(arg in ("--help", "-h") for arg in sys.argv[1:2])
    module = VERBS.get(verb or "") if not asked_help else None
    command = load(module) if module else load()
    if verb not in QUICK:
        return command()
    gc.disable()
    try:
        return command()
    finally:
        gc.freeze()  # what is left is not collected at exit (gc.disable does not stop that)


def __getattr__(name: str) -> Any:
    if name == "app":
        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

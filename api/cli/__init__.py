"""The `credtrace` command line: every verb in one table (`VERBS`), registered by `load`.

The command modules (`api.cli.<module>`) hold plain functions and register nothing
themselves; what several of them use is in `api.cli.common` (options, settings, the store,
JSON) and `api.cli.tables` (tables). `main`, the installed `credtrace` script, imports only
the module of the verb it is asked for (a query needs neither FastAPI, pandas, the Neo4j
driver nor pyvis, whose imports took longer than the query); `--help`, no verb or an
unknown one loads them all. `app` (every verb) is made on use, e.g. by tests:
``from api.cli import app``.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import typer


class Group(NamedTuple):
    """A verb of sub-verbs (`credtrace keys create`): its help, and each sub-verb's
    function as ``module:function``."""

    help: str
    verbs: dict[str, str]


#: Every verb and the function of `api.cli.<module>` that runs it (``module:function``),
#: or its group of sub-verbs; `--help` lists them in this order, groups last.
VERBS: dict[str, str | Group] = {
    # the main job and loading data
    "demo": "ingest:demo",
    "ingest": "ingest:ingest",
    "generate": "generate:generate",
    # questions about a party, answered as tables or --json
    "search": "workbench:search",
    "check": "queries:check",
    "accountable": "accountability:accountable",
    "owners": "queries:owners",
    "group": "queries:group",
    "score": "queries:score",
    "related": "explore:related",
    "path": "explore:path",
    "graph": "explore:graph",
    "alerts": "explore:alerts",
    "disclosure": "law:disclosure",
    # pages, reports, exports and city-wide runs
    "report": "viz:report",
    "export": "viz:export_cmd",
    "evaluate": "evaluate:evaluate",
    # the service and its administration
    "serve": "serve:serve",
    "ui": "workbench:ui",
    "backup": "backup:backup_command",
    "restore": "backup:restore_command",
    "viz": Group("Interactive network pages (self-contained HTML, work offline).", {
        "ego": "viz:ego", "accountability": "viz:accountability",
        "ownership": "viz:ownership", "path": "viz:path"}),
    "inspections": Group("双随机、一公开: random inspection draws.", {
        "draw": "inspections:draw_command", "verify": "inspections:verify"}),
    "keys": Group("API keys: create (shown once), list, revoke.", {
        "create": "keys:create", "list": "keys:list_keys", "roles": "keys:roles",
        "revoke": "keys:revoke"}),
    "audit": Group("The audit trail of the HTTP API.", {
        "anchor": "audit:anchor", "reseal": "audit:reseal", "verify": "audit:verify",
        "show": "audit:show"}),
}

#: Verbs that read the store and print an answer. They run without garbage collection (a
#: collection would walk the whole loaded graph; what a query leaves is small) and exit
#: without one: at exit the interpreter would collect the graph object by object, a third
#: of such a command's time at 20k enterprises; the system frees the process at once.
QUICK = frozenset({"check", "owners", "group", "score", "accountable", "related", "path",
                   "graph", "search"})


def resolve(target: str) -> Callable[..., Any]:
    """The function ``module:function`` of `api.cli` (its module imported now)."""
    module, name = target.split(":")
    found: Callable[..., Any] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return found


def _verbs() -> None:
    """A callback keeps the verbs as subcommands when `main` has registered only one of
    them (Typer would make a lone command the root)."""


def load(*verbs: str) -> typer.Typer:
    """The app with `verbs` (every verb when none is named)."""
    app = typer.Typer(help="credtrace: graph-based association analysis for accountability "
                           "tracing.", no_args_is_help=True, pretty_exceptions_enable=False)
    app.callback()(_verbs)
    for verb in verbs or VERBS:
        entry = VERBS[verb]
        if isinstance(entry, Group):
            group = typer.Typer(help=entry.help, no_args_is_help=True)
            for sub, target in entry.verbs.items():
                group.command(sub)(resolve(target))
            app.add_typer(group, name=verb)
        else:
            app.command(verb)(resolve(entry))
    return app


def main() -> Any:
    """The `credtrace` script: the verb's module only, then the command."""
    verb = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), "")
    asked_help = any(arg in ("--help", "-h") for arg in sys.argv[1:2])
    command = load(verb) if verb in VERBS and not asked_help else load()
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

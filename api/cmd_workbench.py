"""CLI: find a party (`search`), open the workbench for one local user (`ui`), and the next
commands the demo prints (`next_commands`) so a newcomer's second command finds its data."""

from __future__ import annotations

import shlex
import webbrowser
from typing import Annotated

import typer
from rich.table import Table

from api.cliapp import (
    JsonOpt,
    QueryRevealOpt,
    StoreOpt,
    app,
    console,
    load_limits,
    load_settings,
    present,
    store_from,
)
from queries.common import Party
from queries.entity import MAX_QUERY
from queries.entity import search as search_query

LOCAL_KEY = "workbench (local user of `credtrace ui`)"


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="part of a name (Chinese as typed) or the start "
                                             "of a USCC or ID number")],
    limit: Annotated[int, typer.Option(help="most results")] = 20,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """Enterprises and persons whose name contains TEXT or whose key starts with it."""
    if not 1 <= len(text.strip()) <= MAX_QUERY:
        console.print(f"search text must have 1 to {MAX_QUERY} characters")
        raise typer.Exit(2)
    with store_from(store) as db:
        found = search_query(db, text, limit=limit, limits=load_limits())
    answer = present(found, as_json=as_json, reveal_ids=reveal_ids)
    if answer is None:
        return
    table = Table(title=f"“{text}”: {answer['count']} found")
    for column in ("kind", "name", "id", "match"):
        table.add_column(column, overflow="fold")
    for hit in answer["results"]:
        table.add_row(hit["kind"], hit["name"], hit["id"], hit["match"])
    console.print(table)


@app.command()
def ui(
    store: StoreOpt = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
    browser: Annotated[bool, typer.Option(help="open the page in the default browser")]
    = True,
) -> None:
    """The investigator's workbench on this machine: serves the API and /ui on 127.0.0.1
    with an investigator key made for you (revoked when the server stops)."""
    import uvicorn  # the service's imports only for the verbs that serve (`search` is quick)

    from api.app import create_app
    from api.roles import Role

    settings = load_settings(store=store, port=port, host="127.0.0.1")
    service = create_app(settings, freeze_gc=True)
    keys = service.state.resources.keys
    key, secret = keys.create(Role.INVESTIGATOR, LOCAL_KEY)
    url = f"http://127.0.0.1:{settings.port}/ui#key={secret}"
    console.print(f"workbench: {url}\n(the key lives in this tab only; it is revoked when you "
                  "stop the server with Ctrl-C)")
    if browser:
        webbrowser.open(url)
    try:
        uvicorn.run(service, host="127.0.0.1", port=settings.port, log_level="warning")
    finally:
        keys.revoke(key.id)


def next_commands(store: str, main: Party | None) -> list[str]:
    """Commands to try on the demo's store, which they name (`--store`).

    >>> next_commands("memory:demo-out/data", {"id": "914101057123456728", "name": "华信"})[0]
    "credtrace search '华信' --store memory:demo-out/data"
    """
    spec = shlex.quote(store)
    if main is None:
        return [f"credtrace search 郑州 --store {spec}", f"credtrace ui --store {spec}"]
    uscc = shlex.quote(main["id"])
    return [f"credtrace search {shlex.quote(main['name'])} --store {spec}",
            f"credtrace check {uscc} --scenario procurement --store {spec}",
            f"credtrace accountable {uscc} --store {spec}",
            f"credtrace ui --store {spec}"]

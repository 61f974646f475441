"""CLI: find a party (`search`) and open the workbench for one local user (`ui`)."""

from __future__ import annotations

import webbrowser
from typing import Annotated

import typer
from rich.table import Column

from credtrace.api.cli.answering import Asked, answering
from credtrace.api.cli.common import StoreOpt, console, load_limits, load_settings
from credtrace.api.cli.tables import print_table
from credtrace.queries.entity import MAX_QUERY
from credtrace.queries.entity import search as search_query

LOCAL_KEY = "workbench (local user of `credtrace ui`)"


@answering(dated=False)
def search(
    text: Annotated[str, typer.Argument(help="part of a name (Chinese as typed) or the start "
                                             "of a USCC or ID number")],
    limit: Annotated[int, typer.Option(help="most results")] = 20,
    *, asked: Asked,
) -> None:
    """Enterprises and persons whose name contains TEXT or whose key starts with it."""
    if not 1 <= len(text.strip()) <= MAX_QUERY:
        console.print(f"search text must have 1 to {MAX_QUERY} characters")
        raise typer.Exit(2)
    answer = asked.answer(lambda db: search_query(db, text, limit=limit, limits=load_limits()))
    if answer is None:
        return
    print_table(f"“{text}”: {answer['count']} found",
                [Column(head, overflow="fold") for head in ("kind", "name", "id", "match")],
                ((hit["kind"], hit["name"], hit["id"], hit["match"]) for hit in answer["results"]))


def ui(
    store: StoreOpt = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
    browser: Annotated[bool, typer.Option(help="open the page in the default browser")]
    = True,
) -> None:
    """The investigator's workbench on this machine: serves the API and /ui on 127.0.0.1
    with an investigator key made for you (revoked when the server stops)."""
    import uvicorn  # the service's imports only for the verbs that serve (`search` is quick)

    from credtrace.api.http.app import create_app
    from credtrace.api.roles import Role

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


"""CLI: run the HTTP API (`serve`) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from api.app import create_app
from api.cliapp import StoreOpt, app, load_settings


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="address to listen on (default 127.0.0.1)")]
    = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs). Keys: `credtrace keys create`.

    With the embedded store, run one process: writes through the API are not seen by
    other processes until they restart.
    """
    settings = load_settings(store=store, host=host, port=port)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", proxy_headers=False)

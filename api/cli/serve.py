"""CLI: run the HTTP API (`serve`) with uvicorn (uvloop and httptools when installed)."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from credtrace.api.cli.common import StoreOpt, err, load_settings
from credtrace.api.http.app import create_app

#: Seconds a worker process may take to import, build the app and start (uvicorn's
#: default, 5 s, is exceeded on a busy 2-core machine: the worker is then killed).
WORKER_START = 60


def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="address to listen on (default 127.0.0.1)")]
    = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="worker processes (Neo4j only); they share the keys, the audit "
                            "chain, the rate limits and the masking key")] = 1,
    access_log: Annotated[bool, typer.Option(
        help="log one line per request (the audit trail records every authenticated call "
             "either way)")] = True,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs). Keys: `credtrace keys create`.

    With the embedded store, run one process: writes through the API are not seen by
    other processes until they restart.
    """
    settings = load_settings(store=store, host=host, port=port)
    if workers == 1:
        uvicorn.run(create_app(settings, freeze_gc=True), host=settings.host, port=settings.port,
                    log_level="info", proxy_headers=False, access_log=access_log)
        return
    if settings.store.startswith("memory:"):
        err.print("[red]--workers needs Neo4j[/]: each process would hold its own copy of "
                  "the embedded store")
        raise typer.Exit(2)
    # the workers build their settings from the environment: hand on what the options
    # chose (the masking key is the security database's unless CREDTRACE_MASK_KEY is set)
    os.environ["CREDTRACE_STORE"] = settings.store
    os.environ["CREDTRACE_SECURITY_DB"] = str(settings.security_path.resolve())
    uvicorn.run("credtrace.api.http.app:served_app", factory=True, workers=workers,
                host=settings.host, port=settings.port, log_level="info", proxy_headers=False,
                access_log=access_log, timeout_worker_healthcheck=WORKER_START)

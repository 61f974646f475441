"""The HTTP API: `create_app()` builds the FastAPI service for sanction systems,
investigators, analysts and administrators.

Nothing happens at import. `create_app` validates the settings, opens the security
database and mounts the routers, the error map and the body limits; the lifespan opens the
store (a store that is down is retried on the next request) and closes it at shutdown.
Tests pass their own `store`, which the app then uses as is and never closes.

>>> import tempfile; from pathlib import Path; from graph import MemoryStore
>>> db = Path(tempfile.mkdtemp()) / "security.sqlite"
>>> app = create_app(ApiSettings(store="memory:", security_db=db), store=MemoryStore())
>>> sorted({p for p in app.openapi()["paths"] if p.startswith("/v1/enterprises")})
['/v1/enterprises/{uscc}/accountable', '/v1/enterprises/{uscc}/group', \
'/v1/enterprises/{uscc}/owners']
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from credtrace.api.http import errors
from credtrace.api.http.deps import Require
from credtrace.api.http.headers import SecurityHeaders
from credtrace.api.http.limits import BodyLimit
from credtrace.api.http.models import Problem
from credtrace.api.http.resources import Resources
from credtrace.api.http.routers import ROUTERS
from credtrace.api.roles import ROLES, Scope, matrix_markdown
from credtrace.api.settings import ApiSettings
from credtrace.graph import Store, StoreUnavailable

log = logging.getLogger("credtrace.api")

TITLE = "credtrace"
VERSION = "1"
DESCRIPTION = """Graph-based credit accountability tracing (郑州 credit supervision).

Every `/v1` route needs an API key (`X-API-Key`, from `credtrace keys create`); its role
decides the routes and whether ID numbers are shown or masked
(`4101**********0318~98d9ff17`: the same person always gets the same token, in JSON answers,
pages, reports and exports). Every call is written to a tamper-evident audit trail with its
`X-Purpose`. Errors are RFC 9457 problem details. Every query takes `as_of` (ISO date,
default today).
"""
TAGS = [
    {"name": "check", "description": "Is this party, or a party responsible for it, under "
                                     "a measure that applies to this action?"},
    {"name": "explore", "description": "Search, parties, related parties, paths, networks."},
    {"name": "analyse", "description": "Accountability, ownership, groups, scores, alerts."},
    {"name": "viz", "description": "Interactive network pages and the analyst's report "
                                   "(self-contained HTML), exports (CSV, Excel, GraphML, "
                                   "GEXF, JSON)."},
    {"name": "record", "description": "Due-process events on measures (administrators)."},
    {"name": "ingest", "description": "Bundle uploads (administrators)."},
    {"name": "audit", "description": "The audit trail and its verification (administrators)."},
    {"name": "system", "description": "Liveness and readiness."},
]


def route_scopes(routers: Sequence[APIRouter] = ROUTERS) -> list[tuple[str, str, Scope]]:
    """(method, path, scope) of every route that needs a key, in declaration order."""
    found: list[tuple[str, str, Scope]] = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            scope = next((d.dependency.scope for d in route.dependencies
                          if isinstance(d.dependency, Require)), None)
            if scope is not None:
                found.extend((m, route.path, scope) for m in sorted(route.methods or ()))
    return found


def role_matrix() -> str:
    """The role matrix in Markdown: routes by role, then each role's summary."""
    summaries = "\n".join(f"- **{role}**: {policy.summary}"
                          + ("" if policy.purpose_required else "; `X-Purpose` optional")
                          for role, policy in ROLES.items())
    return matrix_markdown(route_scopes()) + "\n\n" + summaries


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the problem-details schemas the error responses cite."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes, tags=app.openapi_tags)
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        _service_bounds(schema, app.state.resources.settings)
        app.openapi_schema = schema
    return app.openapi_schema


def _service_bounds(schema: dict[str, Any], settings: ApiSettings) -> None:
    """Query parameters bounded by this service's limits, as the queries check them
    (the static declarations allow the widest any setting could)."""
    limits = settings.limits
    bounds = {"hops": limits.max_hops, "k": limits.max_hops,
              "max_hops": limits.max_path_hops, "limit": limits.max_results,
              "max_nodes": limits.max_results}
    for operation in (op for ops in schema["paths"].values() for op in ops.values()):
        for parameter in operation.get("parameters", []):
            most = bounds.get(parameter["name"])
            field = parameter.get("schema", {})
            if most is not None and parameter["in"] == "query" and "maximum" in field:
                field["maximum"] = min(field["maximum"], most)


def create_app(settings: ApiSettings | None = None, *, store: Store | None = None,
               freeze_gc: bool = False) -> FastAPI:
    """The service for `settings` (default: from the environment), on `store` if given.

    `freeze_gc` (for a served process, not for tests): once started, what startup built
    (modules, the app, the driver) is moved out of the garbage collector's sight
    (`gc.freeze`), so a full collection scans only what requests leave behind. Under load
    full collections of everything stalled the process 75–150 ms every few seconds (the
    p99); after the freeze they take 5–18 ms.
    """
    settings = settings or ApiSettings()
    resources = Resources.build(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            resources.store.get()
        except StoreUnavailable as exc:
            log.warning("store unavailable at start, will retry on demand: %s", exc)
        if freeze_gc:
            gc.collect()
            gc.freeze()
        yield
        resources.close()

    # Swagger UI and ReDoc from the assets fastapi-offline ships (no CDN: they work offline
    # and under the pages' Content-Security-Policy)
    app = FastAPIOffline(title=TITLE, version=VERSION, description=DESCRIPTION,
                         lifespan=lifespan, openapi_tags=TAGS)
    app.state.resources = resources
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodyLimit, body=settings.max_body_bytes,
                       upload=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    app.description += "\n## Role matrix\n\n" + role_matrix()
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def served_app() -> FastAPI:
    """The app of a `credtrace serve` worker process: settings from the environment,
    collector frozen after start (uvicorn's factory for `--workers`)."""
    return create_app(freeze_gc=True)

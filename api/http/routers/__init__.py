"""The HTTP routes, one module per scope of the role matrix (`api.roles.Scope`)."""

from fastapi import APIRouter

from credtrace.api.http.routers import (
    audit,
    check,
    enterprises,
    evaluations,
    explore,
    ingest,
    law,
    measures,
    system,
    viz,
    workbench,
)

ROUTERS: tuple[APIRouter, ...] = (
    system.router, explore.router, check.router, enterprises.router, law.router, viz.router,
    measures.router, ingest.router, audit.router, evaluations.router, workbench.router,
    workbench.pages,
)

__all__ = ["ROUTERS"]

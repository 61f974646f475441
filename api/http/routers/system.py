"""Liveness and readiness, for orchestrators (no API key)."""

from __future__ import annotations

from fastapi import APIRouter

from credtrace.api.http.deps import ResourcesDep
from credtrace.api.http.errors import responses
from credtrace.api.http.models import Health, Ready

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    """Always 200 while the process serves requests; says nothing about the store."""
    return Health()


@router.get("/readyz", response_model=Ready, responses=responses(503),
            summary="The store answers")
def readyz(resources: ResourcesDep) -> Ready:
    """200 when the graph store answers a ping, else 503 (the service keeps retrying and
    recovers by itself when the store is back)."""
    store = resources.store.get()
    store.ping()
    return Ready(store=store.name)

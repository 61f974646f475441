"""Problem details (RFC 9457) for every error, mapped once (`install`).

Domain errors carry their status (`queries.common.QueryError.status`: 404 not found, 422
invalid input); `graph.StoreUnavailable` is 503 with `Retry-After`; request validation is
422 naming each field; the service's own refusals are `ApiProblem` (401, 403, 413, 429).
Anything unexpected is a 500 whose body says nothing about the code (the trace goes to the
log only). Bodies are ``application/problem+json``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from credtrace.api.audit import AuditUnusable
from credtrace.api.http.models import FieldProblem, Problem
from credtrace.api.http.refusals import audit_refusal
from credtrace.api.keys import KEY
from credtrace.graph import StoreError, StoreUnavailable
from credtrace.queries.common import QueryError

log = logging.getLogger("credtrace.api")

MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE = "urn:credtrace:problem:"
#: Seconds a client should wait before retrying while the store is unavailable.
RETRY_STORE = 5


class ApiProblem(Exception):
    """A refusal by the service itself, with its status and optional headers."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail, self.headers = detail, headers or {}


class Unauthorized(ApiProblem):
    status, slug, title = 401, "unauthorized", "API key missing, invalid or revoked"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, {"WWW-Authenticate": 'ApiKey header="X-API-Key"'})


class Forbidden(ApiProblem):
    status, slug, title = 403, "forbidden", "Not allowed for this role"


class Conflict(ApiProblem):
    """The resource is busy or not ready (an evaluation running, a result not yet made);
    `job` names the evaluation job concerned."""

    status, slug, title = 409, "conflict", "Conflict with the current state"

    def __init__(self, detail: str, job: str | None = None) -> None:
        super().__init__(detail)
        self.job = job


class ContentTooLarge(ApiProblem):
    status, slug, title = 413, "content-too-large", "Request too large"


class TooManyRequests(ApiProblem):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(f"rate limit reached; retry in {seconds} s",
                         {"Retry-After": str(seconds)})


class BudgetSpent(ApiProblem):
    status, slug, title = 429, "budget-spent", "Daily budget of unknown subjects spent"

    def __init__(self, budget: int) -> None:
        super().__init__(f"this key asked about more than {budget} subjects not in the graph "
                         "today; checks resume tomorrow (UTC) or when an administrator "
                         "raises CREDTRACE_UNKNOWN_BUDGET", {"Retry-After": "3600"})


async def refused(request: Request, status: int, title: str, detail: str | None, *,
                  slug: str | None = None, errors: list[FieldProblem] | None = None,
                  headers: dict[str, str] | None = None,
                  candidates: list[dict[str, Any]] | None = None,
                  job: str | None = None) -> JSONResponse:
    """A problem+json refusal, audited (`api.http.refusals`)."""
    await audit_refusal(request.scope, status, detail or title)
    return problem(status, title, detail, slug=slug, instance=request.url.path, errors=errors,
                   headers=headers, candidates=candidates, job=job)


def problem(status: int, title: str, detail: str | None, *, slug: str | None = None,
            instance: str | None = None, errors: list[FieldProblem] | None = None,
            headers: dict[str, str] | None = None,
            candidates: list[dict[str, Any]] | None = None,
            job: str | None = None) -> JSONResponse:
    """A problem+json response."""
    body = Problem(type=PROBLEM_TYPE + slug if slug else "about:blank", title=title,
                   status=status, detail=detail, instance=instance, errors=errors,
                   candidates=candidates, job=job)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status,
                        media_type=MEDIA_TYPE, headers=headers)


def _field(error: dict[str, Any]) -> FieldProblem:
    loc = [str(part) for part in error.get("loc", ())]
    return FieldProblem(loc=loc, field=loc[-1] if loc else "", msg=str(error.get("msg", "")),
                        type=str(error.get("type", "")))


async def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return await refused(request, exc.status, exc.title, exc.detail, slug=exc.slug,
                         headers=exc.headers, job=getattr(exc, "job", None))


async def _query_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueryError)
    slug, title = {404: ("not-found", "Not found"),
                   409: ("ambiguous-identifier", "Identifier shared by several parties")
                   }.get(exc.status, ("invalid-input", "Invalid input"))
    return await refused(request, exc.status, title, str(exc), slug=slug,
                         candidates=getattr(exc, "candidates", None))


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("store unavailable: %s", exc)
    return problem(503, "Store unavailable", "the graph store does not answer; retry later",
                   slug="store-unavailable", instance=request.url.path,
                   headers={"Retry-After": str(RETRY_STORE)})


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field(e) for e in exc.errors()]
    fields = ", ".join(sorted({e.field for e in errors if e.field}))
    return await refused(request, 422, "Invalid request",
                         f"invalid value for: {fields}" if fields else "invalid request",
                         slug="invalid-request", errors=errors)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return await refused(request, exc.status_code, detail or "HTTP error", detail,
                         headers=dict(exc.headers or {}))


async def _too_deep(request: Request, exc: Exception) -> JSONResponse:
    return await refused(request, 422, "Invalid request",
                         "the JSON is nested too deeply to read", slug="invalid-request")


async def _audit_unusable(request: Request, exc: Exception) -> JSONResponse:
    """503: nothing is read or written while the trail cannot record it; the reason goes
    to administrators only (and to the log)."""
    log.error("audit trail unusable: %s", exc)
    key = request.scope.get(KEY)
    detail = (f"the audit trail cannot be written: {exc}; run `credtrace audit verify`, "
              "then `credtrace audit reseal`" if key is not None and key.role == "admin"
              else "the service cannot record requests right now; an administrator is told")
    return problem(503, "Audit trail unusable", detail, slug="audit-unusable",
                   instance=request.url.path, headers={"Retry-After": str(RETRY_STORE)})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "the service failed to answer; this is logged",
                   slug="internal", instance=request.url.path)


def install(app: FastAPI) -> None:
    """Map every error to its problem response, once, on `app`."""
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    app.add_exception_handler(StoreError, _store_unavailable)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RecursionError, _too_deep)  # a deeply nested JSON value
    app.add_exception_handler(AuditUnusable, _audit_unusable)
    app.add_exception_handler(Exception, _unexpected)


def _doc(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


#: Error responses for the OpenAPI document, by status.
ERRORS: dict[int, dict[str, Any]] = {
    400: _doc("malformed body (e.g. broken multipart data)"),
    401: _doc("API key missing, invalid or revoked"),
    403: _doc("the key's role may not call this route"),
    404: _doc("no such enterprise, person or measure"),
    409: _doc("an evaluation is running (`job` names it) or its result is not ready"),
    413: _doc("request body or batch too large"),
    422: _doc("invalid parameter or body (the field is named)"),
    429: _doc("rate limit reached (see Retry-After)"),
    503: _doc("the graph store does not answer (see Retry-After)"),
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route."""
    return {status: ERRORS[status] for status in statuses}

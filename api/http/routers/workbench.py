"""The investigator's workbench: the `/ui` page and its local assets (no key needed: they
hold no data), and the one read route the page needs beyond the others, a paged expand of
a node by relationship category (explore scope)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credtrace.api.http.deps import CallerDep, ReadStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.examples import answer_example
from credtrace.api.http.params import AsOf, Kinds, PartyId, iso
from credtrace.api.roles import Scope
from credtrace.queries.common import EntityNotFound
from credtrace.queries.expand import DEFAULT_PAGE, ExpandAnswer, expand
from credtrace.viz.ui import CSP, asset, page
from credtrace.viz.ui.palette import palette

router = APIRouter(prefix="/v1", tags=["explore"], dependencies=[require(Scope.EXPLORE)],
                   responses=responses(401, 403, 422, 429, 503))
pages = APIRouter(prefix="/ui", include_in_schema=False)


HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


@router.get("/expand/{id}", response_model=ExpandAnswer,
            responses=responses(404) | answer_example("expand"),
            summary="Expand a node by relationship category, a page at a time")
def get_expand(
    caller: CallerDep, store: ReadStore, id: PartyId, as_of: AsOf = None,
    kinds: Kinds = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="first neighbour")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="neighbours per page")]
    = DEFAULT_PAGE,
) -> Any:
    """Neighbours one relationship away along `kinds`, valid (or uncertain) on the date,
    in a stable order; `more` counts what the next pages hold per relationship type."""
    caller.audit(id)
    return caller.answer(expand(store, id, kinds=kinds, as_of=iso(as_of), offset=offset,
                                limit=limit, limits=caller.limits))


@pages.get("", response_class=HTMLResponse)
def get_ui() -> HTMLResponse:
    return HTMLResponse(page(), headers=HEADERS)


@pages.get("/palette.json")
def get_palette() -> JSONResponse:
    return JSONResponse(palette(), headers=HEADERS)


@pages.get("/assets/{name}")
def get_asset(name: str) -> Response:
    found = asset(name)
    if found is None:
        raise EntityNotFound(f"no workbench asset {name!r}")
    return Response(found.content, media_type=found.media_type, headers=HEADERS)

"""The investigator's workbench: the `/ui` page and its local assets (no key needed: they
hold no data), and the one read route the page needs beyond the others, a paged expand of
a node by relationship category (explore scope)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from api.deps import CallerDep, ReadStore, require
from api.errors import responses
from api.models import Json, examples
from api.params import AsOf, Kinds, PartyId, iso
from api.roles import Scope
from graph.model import Label, Rel
from queries.common import EntityNotFound
from queries.expand import DEFAULT_PAGE, expand
from viz.ui import CSP, asset, page
from viz.ui.palette import palette

router = APIRouter(prefix="/v1", tags=["explore"], dependencies=[require(Scope.EXPLORE)],
                   responses=responses(401, 403, 422, 429, 503))
pages = APIRouter(prefix="/ui", include_in_schema=False)


class ExpandAnswer(BaseModel):
    """One page of a node's neighbours along the chosen kinds (`queries.expand`)."""

    model_config = examples({
        "center": {"id": "914101057123456728", "kind": Label.ENTERPRISE,
                   "name": "郑州华信商贸有限公司", "label_zh": "市场主体", "props": {}},
        "as_of": "2024-01-01", "kinds": [Rel.DIRECTOR], "offset": 0, "limit": 25, "total": 30,
        "nodes": [], "edges": [],
        "more": [{"type": Rel.DIRECTOR, "label_zh": "董事", "count": 5}], "next_offset": 25})

    center: Json
    as_of: str
    kinds: list[str]
    offset: int
    limit: int
    total: int
    nodes: list[Json]
    edges: list[Json]
    more: list[Json]
    next_offset: int | None


HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


@router.get("/expand/{id}", response_model=ExpandAnswer, responses=responses(404),
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

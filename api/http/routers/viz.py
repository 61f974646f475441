"""Pictures, reports and exports for investigators, analysts and administrators: the same
pages and files as `credtrace viz`, `report` and `export` (built by `viz/`).

Pages are self-contained HTML (vis-network inlined, nothing fetched from the network). ID
numbers follow the role matrix like the JSON answers, with the same masked tokens.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import TypeAdapter

from credtrace.api.http.deps import CallerDep, ReadStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.examples import example
from credtrace.api.http.params import AsOf, From, Hops, Kinds, PartyId, PathHops, To, Uscc, iso
from credtrace.api.roles import Scope
from credtrace.viz.export import MEDIA_TYPES, Format, download
from credtrace.viz.pages import render_accountability, render_ego, render_ownership, render_path
from credtrace.viz.report import ReportAnswer, render_report, report_data

router = APIRouter(prefix="/v1", tags=["viz"], dependencies=[require(Scope.VIZ)],
                   responses=responses(401, 403, 404, 422, 429, 503))

PAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "one self-contained HTML page (works offline)"}}
REPORT: dict[int | str, dict[str, Any]] = {200: {
    "description": "the report as an HTML page, or its data (`format=json`)",
    "content": {"application/json": {"schema": TypeAdapter(ReportAnswer).json_schema(),
                                     "example": example("report")}}}}
EXPORT: dict[int | str, dict[str, Any]] = {200: {
    "description": "the file, as an attachment (csv: a zip of the tables)",
    "content": {media: {"schema": {"$ref": "#/components/schemas/GraphAnswer"},
                        "example": example("export")} if media == "application/json"
                else {"schema": {"type": "string", "format": "binary"}}
                for media in MEDIA_TYPES.values()}}}


@router.get("/viz/ego/{id}", response_class=HTMLResponse, responses=PAGE,
            summary="The ego network as an interactive page")
def get_viz_ego(caller: CallerDep, store: ReadStore, id: PartyId, as_of: AsOf = None,
                hops: Hops = 1, kinds: Kinds = None) -> HTMLResponse:
    """The party's network within `hops`, following the chosen relationship kinds; above
    the node cap the farthest nodes fold into summary nodes."""
    caller.audit(id)
    store, (id,) = caller.addressed(store, id)
    return HTMLResponse(render_ego(store, id, hops=hops, kinds=kinds, as_of=iso(as_of),
                                   limits=caller.limits, **caller.masking))


@router.get("/viz/accountability/{uscc}", response_class=HTMLResponse, responses=PAGE,
            summary="The accountability view as an interactive page")
def get_viz_accountability(
    caller: CallerDep, store: ReadStore, uscc: Uscc, as_of: AsOf = None,
    measure: Annotated[str | None, Query(min_length=1, max_length=64,
                                         description="only this measure")] = None,
) -> HTMLResponse:
    """A sanctioned enterprise, its measures, the persons reached and the evidence (thick
    orange), the enterprise's other roles muted."""
    caller.audit(uscc)
    return HTMLResponse(render_accountability(store, uscc, measure_id=measure,
                                              as_of=iso(as_of),
                                              limits=caller.limits,
                                              **caller.masking))


@router.get("/viz/ownership/{uscc}", response_class=HTMLResponse, responses=PAGE,
            summary="Ownership and control (equity penetration) as an interactive page")
def get_viz_ownership(caller: CallerDep, store: ReadStore, uscc: Uscc,
                      as_of: AsOf = None) -> HTMLResponse:
    """Holders above the enterprise, top-down, with effective shares; the controlling
    shareholder, actual controller and beneficial owners marked."""
    caller.audit(uscc)
    return HTMLResponse(render_ownership(store, uscc, as_of=iso(as_of),
                                         limits=caller.limits,
                                         **caller.masking))


@router.get("/viz/path", response_class=HTMLResponse, responses=PAGE,
            summary="The shortest paths between two parties as an interactive page")
def get_viz_path(caller: CallerDep, store: ReadStore, from_: From, to: To, as_of: AsOf = None,
                 kinds: Kinds = None, max_hops: PathHops = 6) -> HTMLResponse:
    """Every shortest path between `from` and `to` on the date, highlighted."""
    caller.audit(from_, to)
    store, (from_, to) = caller.addressed(store, from_, to)
    return HTMLResponse(render_path(store, from_, to, as_of=iso(as_of), kinds=kinds,
                                    max_hops=max_hops, limits=caller.limits,
                                    **caller.masking))


@router.get("/reports/{id}", response_class=HTMLResponse, responses=REPORT,
            summary="The analyst's report on a party")
def get_report(
    caller: CallerDep, store: ReadStore, id: PartyId, as_of: AsOf = None, hops: Hops = 1,
    fmt: Annotated[Literal["html", "json"], Query(
        alias="format", description="html: the page; json: its data")] = "html",
) -> Response:
    """Summary (measures, accountable persons, controllers, alerts, score), the interactive
    graph, network metrics and tables, with the content hash of the data shown."""
    caller.audit(id)
    store, (id,) = caller.addressed(store, id)
    if fmt == "json":
        data = report_data(store, id, hops=hops, as_of=iso(as_of), limits=caller.limits,
                           **caller.masking)
        return JSONResponse(jsonable_encoder(data))
    return HTMLResponse(render_report(store, id, hops=hops, as_of=iso(as_of),
                                      limits=caller.limits, **caller.masking))


@router.get("/exports/{id}", response_class=Response, responses=EXPORT,
            summary="Export a party's neighbourhood (CSV, Excel, GraphML, GEXF, JSON)")
def get_export(
    caller: CallerDep, store: ReadStore, id: PartyId,
    fmt: Annotated[Format, Query(alias="format", description="csv is a zip of the tables")],
    as_of: AsOf = None, hops: Hops = 1, kinds: Kinds = None,
    zh: Annotated[bool, Query(description="Chinese column headers and sheet names")] = False,
) -> Response:
    """The neighbourhood within `hops` (up to `max_results` nodes) as a file: CSV tables
    (zipped), an Excel workbook, GraphML or GEXF for Gephi, or JSON."""
    caller.audit(id)
    store, (id,) = caller.addressed(store, id)
    file = download(store, id, fmt=fmt, hops=hops, kinds=kinds, as_of=iso(as_of), zh=zh,
                    limits=caller.limits, **caller.masking)
    return Response(file.content, media_type=file.media_type, headers={
        "Content-Disposition": f'attachment; filename="{file.filename}"'})

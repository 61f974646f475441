"""Due-process events on measures (R3), recorded by administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from credtrace.api.http.deps import CallerDep, WriteStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.models import EventAnswer, EventIn
from credtrace.api.roles import Scope
from credtrace.graph.model import Label
from credtrace.ingest.events import record_event
from credtrace.queries.common import InvalidInput, require_node

router = APIRouter(prefix="/v1", tags=["record"], dependencies=[require(Scope.RECORD)],
                   responses=responses(401, 403, 422, 429, 503))
MeasureId = Annotated[str, Path(min_length=1, max_length=64, description="the measure's id",
                                examples=["ZZ-2021-JP-0001"])]


@router.post("/measures/{id}/events", response_model=EventAnswer, status_code=201,
             responses=responses(400, 404), summary="Record an objection, repair or exit")
def post_event(caller: CallerDep, store: WriteStore, id: MeasureId, body: EventIn) -> Any:
    """Writes a `MeasureEvent` through the ingestion validation (provenance source `api`,
    the run names the key); repair, exit or an upheld objection end the measure and every
    measure derived from it on the event's date. Recording the same event again changes
    nothing (`created` false)."""
    caller.audit(id, event=body.event, date=body.date, note=body.note)
    measure = require_node(store, id, Label.MEASURE)
    report = record_event(store, measure.uid, body.event, body.date, body.note,
                          source="api", path=f"api key {caller.key.id}")
    if report.rejected:
        reject = report.rejects[0]
        raise InvalidInput(f"{reject.field}={reject.value!r}: {reject.reason}")
    return {"measure_id": measure.uid, "event": body.event, "date": body.date,
            "note": body.note, "created": report.writes.created > 0, "run_id": report.run_id}

"""City-wide evaluation runs as background jobs (`api.http.evaluation_jobs`): administrators
start them; every role that reads scores follows them and downloads the results.

The rows hold enterprises' scores, grades and contributions (measure ids, the names of
parties nearby), never an ID number by construction; a masked role's download is still
made from the rows through the same masking as every answer, so nothing the role may not
see can leave in a file.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from credtrace.api.evaluation_run import STEM, write_rows
from credtrace.api.http.deps import CallerDep, require
from credtrace.api.http.errors import responses
from credtrace.api.http.evaluation_jobs import ID_PATTERN, new_id
from credtrace.api.http.models import EvaluationIn, EvaluationJob, EvaluationList
from credtrace.api.result_files import FORMATS, read_jsonl
from credtrace.api.roles import Scope
from credtrace.queries.common import as_of_date

router = APIRouter(prefix="/v1", tags=["analyse"],
                   responses=responses(401, 403, 404, 422, 429))

JobId = Annotated[str, PathParam(pattern=ID_PATTERN, description="the job's id",
                                 examples=["20240701T080000000000Z-1a2b3c4d"])]
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
RESULT: dict[int | str, dict[str, Any]] = {200: {
    "description": "the rows as an attachment",
    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                for media in MEDIA_TYPES.values()}}}


@router.post("/evaluations", response_model=EvaluationJob, status_code=202,
             dependencies=[require(Scope.EVALUATE)], responses=responses(409, 503),
             summary="Start an evaluation of every enterprise (公共信用综合评价)")
def post_evaluation(caller: CallerDep, body: EvaluationIn, response: Response) -> Any:
    """Scores and grades every enterprise as of `as_of` in the background, compared with
    the latest finished run; answers at once with the job (`Location`: where to follow
    it). One run at a time per server: 409 names the running job."""
    day = as_of_date(body.as_of)
    chosen = {"jsonl", *(body.formats or FORMATS)}
    job_id = new_id()
    caller.audit(f"evaluation:{job_id}", as_of=day, formats=sorted(chosen))
    job = caller.resources.evaluations.start(job_id, as_of=day,
                                             formats=[f for f in FORMATS if f in chosen])
    response.headers["Location"] = f"/v1/evaluations/{job_id}"
    return job


@router.get("/evaluations", response_model=EvaluationList,
            dependencies=[require(Scope.ANALYSE)], summary="List evaluation runs")
def get_evaluations(
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="most runs")] = 100,
) -> Any:
    """Runs newest first, each with its status, progress and, when done, its record."""
    caller.audit()
    return {"evaluations": caller.answer(caller.resources.evaluations.newest(limit))}


@router.get("/evaluations/{id}", response_model=EvaluationJob,
            dependencies=[require(Scope.ANALYSE)], summary="Follow an evaluation run")
def get_evaluation(caller: CallerDep, id: JobId) -> Any:
    """Status (queued, running, done, failed), progress (enterprises done of the total),
    start and end times; when done, the run's record: content hash, counts by grade and
    by change since the previous run."""
    caller.audit(f"evaluation:{id}")
    return caller.answer(caller.resources.evaluations.get(id))


@router.get("/evaluations/{id}/result", response_class=FileResponse, responses={
    **RESULT, **responses(409)}, dependencies=[require(Scope.ANALYSE)],
    summary="Download an evaluation run's rows")
def get_evaluation_result(
    caller: CallerDep, id: JobId,
    fmt: Annotated[Literal["jsonl", "csv", "xlsx"], Query(alias="format")] = "jsonl",
) -> Any:
    """Each enterprise's score, grade, main contributions and change since the previous
    run, as JSON lines, CSV (UTF-8 with BOM) or Excel; 409 while the run is not done."""
    caller.audit(f"evaluation:{id}", format=fmt)
    file = caller.resources.evaluations.result(id, fmt)
    name = f"{STEM}-{id}.{fmt}"
    if caller.policy.reveal_ids:
        return FileResponse(file, media_type=MEDIA_TYPES[fmt], filename=name)
    folder = Path(tempfile.mkdtemp(prefix="credtrace-evaluation-"))
    try:
        write_rows(folder, (caller.answer(row) for row in read_jsonl(file.with_suffix(".jsonl"))),
                   [fmt])
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(folder / file.name, media_type=MEDIA_TYPES[fmt], filename=name,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))

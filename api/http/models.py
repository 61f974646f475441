"""What only the HTTP API declares: request bodies, problem details, health, and the
answers of routes that are no query's (batch checks, events, ingest runs, the audit trail,
evaluation jobs), with examples for the OpenAPI document.

A query's answer is declared once, beside its query (`queries.entity.SearchAnswer`, …),
and routes use it as their response model; its example is the real answer on the demo
bundle (`api.http.examples`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from credtrace.api.audit import AuditEntry
from credtrace.api.http.examples import example
from credtrace.api.http.params import IsoDay
from credtrace.graph.lifecycle import EVENTS
from credtrace.queries.check import CheckAnswer, CheckError
from credtrace.queries.common import Json

Key = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def examples(*items: Any) -> ConfigDict:
    """Model configuration: open to extra fields, with OpenAPI examples."""
    return ConfigDict(extra="allow", json_schema_extra={"examples": list(items)})


# --- errors and health ----------------------------------------------------------------
class FieldProblem(BaseModel):
    """One invalid field of a request."""

    loc: list[str] = Field(description="where: query, path, header or body, then the name")
    field: str
    msg: str
    type: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "urn:credtrace:problem:not-found", "title": "Not found", "status": 404,
        "detail": "no enterprise or person with key 'X'", "instance": "/v1/entities/X"}]})

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None
    candidates: list[Json] | None = Field(
        None, description="409: the parties an identifier is shared by (id, kind, name)")
    job: str | None = Field(None, description="409: the evaluation job concerned")


class Health(BaseModel):
    """The process is alive."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """The store answers."""

    status: Literal["ready"] = "ready"
    store: str = Field(examples=["neo4j"])


# --- checks ---------------------------------------------------------------------------
class CheckBatchIn(BaseModel):
    """Up to 1,000 subjects (USCCs or person keys), answered in the same order."""

    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [example("check_batch_request")]})

    subjects: list[Key] = Field(description="at most 1,000 (413 beyond)")
    scenario: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    as_of: IsoDay | None = None


class CheckBatchAnswer(BaseModel):
    """One answer per subject, in the order asked."""

    model_config = ConfigDict(json_schema_extra={"examples": [example("check_batch")]})

    count: int
    results: list[CheckAnswer | CheckError]


# --- writes ---------------------------------------------------------------------------
class EventIn(BaseModel):
    """A due-process event on a measure (R3)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "event": "repaired", "date": "2024-03-01", "note": "履行完毕，申请信用修复"}]})

    event: Literal[EVENTS]  # type: ignore[valid-type]
    #: a string, never a number (pydantic would take 0 as 1970-01-01); checked as a date,
    #: against today, the measure's start and its earlier events by `ingest.due_process`
    date: Annotated[str, Field(strict=True, pattern=r"^\d{4}-\d{2}-\d{2}$",
                               description="ISO date YYYY-MM-DD", examples=["2024-03-01"])]
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class EventAnswer(BaseModel):
    """The event as recorded (`created` false: the same event was already recorded)."""

    model_config = examples({"measure_id": "ZZ-2021-JP-0001", "event": "repaired",
                             "date": "2024-03-01", "note": None, "created": True,
                             "run_id": "20240301T080000-a1b2c3"})

    measure_id: str
    event: str
    date: str
    note: str | None
    created: bool
    run_id: str


class IngestAnswer(BaseModel):
    """The ingest run's report: rows read, loaded and rejected per file, and the rejects."""

    model_config = examples({
        "run_id": "20240301T080000-a1b2c3", "source": "bundle", "status": "succeeded",
        "started": "2024-03-01T08:00:00+00:00", "finished": "2024-03-01T08:00:01+00:00",
        "tables": {"enterprises.csv": {"read": 8, "loaded": 8, "rejected": 0}},
        "writes": {"created": 8, "updated": 0, "unchanged": 0}, "rejects": [],
        "rejected": 0, "warnings": 0, "files": ["enterprises.csv"]})

    run_id: str
    source: str
    status: str
    started: str
    finished: str
    tables: dict[str, dict[str, int]]
    writes: dict[str, int]
    rejects: list[Json]
    rejected: int
    warnings: int
    by_kind: dict[str, int] = Field(default_factory=dict,
                                    description="rejects and warnings counted by kind")
    files: list[str] = Field(description="the uploaded files that were loaded")


# --- audit ----------------------------------------------------------------------------
class AuditPage(BaseModel):
    """Entries after `after`, oldest first; `next_after` continues the listing."""

    model_config = examples({"entries": [{
        "seq": 1, "ts": "2024-03-01T08:00:00.000000+00:00", "key_id": "a1b2c3d4",
        "role": "investigator", "method": "GET", "route": "/v1/entities/{id}",
        "subjects": ["914101057123456728"], "purpose": "case 2024-17", "prev": "0" * 64,
        "hash": "5d41402abc4b2a76b9719d911017c592" * 2}], "next_after": None})

    entries: list[AuditEntry]
    next_after: int | None


# --- evaluation runs ------------------------------------------------------------------
EVALUATION_FORMATS = Literal["jsonl", "csv", "xlsx"]


class EvaluationIn(BaseModel):
    """An evaluation run to start: its date and the files to write (JSON lines always:
    the next run compares with it)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "as_of": "2024-07-01", "formats": ["csv", "xlsx"]}]})

    as_of: Annotated[str, Field(strict=True, pattern=r"^\d{4}-\d{2}-\d{2}$",
                                description="ISO date YYYY-MM-DD", examples=["2024-07-01"])]
    formats: Annotated[list[EVALUATION_FORMATS], Field(max_length=3)] | None = Field(
        None, description="files besides evaluation.jsonl; default csv and xlsx too")


class EvaluationProgress(BaseModel):
    """Enterprises evaluated so far, of how many (`total` null until the run starts)."""

    done: int
    total: int | None


EVALUATION_JOB = {
    "id": "20240701T080000000000Z-1a2b3c4d", "status": "done", "as_of": "2024-07-01",
    "formats": ["jsonl", "csv", "xlsx"], "previous": "20240101T080000000000Z-5e6f7a8b",
    "queued": "2024-07-01T08:00:00+00:00", "started": "2024-07-01T08:00:00+00:00",
    "finished": "2024-07-01T08:09:12+00:00", "progress": {"done": 8, "total": 8},
    "run": {"as_of": "2024-07-01", "enterprises": 8, "grades": {"A": 5, "D": 3},
            "changes": {"same": 7, "down": 1}, "gone_since_previous": [],
            "content_hash": "9f2c…", "previous_content_hash": "41be…"},
    "error": None}


class EvaluationJob(BaseModel):
    """An evaluation run: its state, progress and, once done, its record (content hash,
    counts by grade and by change since the previous run, files and their SHA-256)."""

    model_config = examples(EVALUATION_JOB)

    id: str
    status: Literal["queued", "running", "done", "failed"]
    as_of: str
    formats: list[str]
    previous: str | None = Field(description="the job whose rows the changes compare with")
    queued: str
    started: str | None
    finished: str | None
    progress: EvaluationProgress
    run: Json | None = Field(description="the run's record, once done")
    error: str | None


class EvaluationList(BaseModel):
    """Evaluation runs, newest first."""

    model_config = examples({"evaluations": [EVALUATION_JOB]})

    evaluations: list[EvaluationJob]

"""Request and response models of the HTTP API, with examples for the OpenAPI document.

Answers are the query functions' dictionaries (see each function in `queries/`): the
models name their top-level fields and the parties in them; nested evidence, paths and
steps stay open objects (`extra="allow"`) so the document never lies about what a query
adds. Personal ID numbers appear masked (``4101**********0318~98d9ff17``) for roles that
may not see them (`api.roles`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.audit import AuditEntry
from api.params import IsoDay
from graph.lifecycle import EVENTS
from graph.model import Label, Rel

Json = dict[str, Any]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AsOfText = Annotated[str, Field(description="the as-of date of the answer (ISO)",
                                examples=["2024-01-01"])]

HUAXIN = {"id": "914101057123456728", "kind": Label.ENTERPRISE, "name": "郑州华信商贸有限公司"}
#: Examples name synthetic persons (a valid-looking number made up for the document, in
#: no data set), never a person of the demo data: the document is served without a key.
SYNTHETIC_ID = "110101199003070003"
LINA = {"id": SYNTHETIC_ID, "kind": Label.PERSON, "name": "李娜"}
#: A joint punishment decided 2021-09-01: before Order No. 36 it leaves the list by the
#: list's own rules, so no publication window (one decided from 2026-04-01 shows
#: repair_from decision + 1 year, ends_by_itself decision + 3 years).
STATE = {"status": "active", "in_force": True, "ended_on": None, "reason": "",
         "repair_from": None, "ends_by_itself": None,
         "rule": "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法(试行)》"
                 "(2023-05-01起施行): 严重失信主体名单按认定依据移出"}
MEASURE = {"step": "measure", "id": "ZZ-2021-JP-0001", "kind": "joint_punishment",
           "kind_zh": "失信联合惩戒", "conduct_date": "2021-06-15", "start": "2021-09-01",
           "end": "2027-09-01", "authority": "郑州市市场监督管理局",
           "legal_basis": "《企业信息公示暂行条例》第十八条",
           "provenance": {"source": "bundle", "file": "measures.csv", "line": 2}}


def examples(*items: Any, populate_by_name: bool = False) -> ConfigDict:
    """Model configuration: open to extra fields, with OpenAPI examples."""
    return ConfigDict(extra="allow", json_schema_extra={"examples": list(items)},
                      populate_by_name=populate_by_name)


class Party(BaseModel):
    """An enterprise or person (a person's `id` is masked for some roles)."""

    model_config = examples(HUAXIN)

    id: str
    kind: str
    name: str


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


# --- search and entities --------------------------------------------------------------
class SearchHit(Party):
    model_config = examples({**HUAXIN, "enterprise_kind": "company", "status": "active",
                             "established": "2016-04-12", "match": "name"})

    match: Literal["key", "name"]


class SearchAnswer(BaseModel):
    """Parties whose name contains the text or whose key starts with it."""

    model_config = examples({"query": "华信", "count": 1, "results": [
        {**HUAXIN, "enterprise_kind": "company", "status": "active",
         "established": "2016-04-12", "match": "name"}]})

    query: str
    count: int
    results: list[SearchHit]


class EntityAnswer(Party):
    """One enterprise or person: properties, roles and shareholdings (both directions),
    measures with their state on the date, provenance and versions."""

    model_config = examples({
        **HUAXIN, "as_of": "2024-01-01",
        "properties": {"name": "郑州华信商贸有限公司", "kind": "company", "status": "active"},
        "roles": [{"holder": LINA, "enterprise": HUAXIN, "role": "legal_representative",
                   "label_zh": "法定代表人", "start": "2021-06-15", "end": None,
                   "validity": "yes", "provenance": {"source": "bundle"}, "versions": 1}],
        "shareholdings": [], "measures": [{**MEASURE, "state": STATE, "events": []}],
        "provenance": {"source": "bundle", "file": "enterprises.csv", "line": 2},
        "history": {"count": 1, "versions": [{"version": 1, "source": "bundle",
                                              "changed": []}]}})

    as_of: AsOfText
    properties: Json
    roles: list[Json]
    shareholdings: list[Json]
    measures: list[Json]
    provenance: Json
    history: Json


# --- checks ---------------------------------------------------------------------------
CHECK_EXAMPLE = {
    "subject": LINA, "as_of": "2024-01-01", "scenario": "procurement", "applies": True,
    "measures": [{"measure": "ZZ-2021-JP-0001", "kind": "joint_punishment", "derived": True,
                  "source": "ZZ-2021-JP-0001", "subject": HUAXIN,
                  "roles": ["legal_representative"], "state": STATE,
                  "evidence": [MEASURE, {"step": "enterprise", **HUAXIN},
                               {"step": "role", "role": "legal_representative",
                                "person": LINA["id"], "enterprise": HUAXIN["id"],
                                "start": "2021-06-15", "end": None},
                               {"step": "person", **LINA}]}],
    "uncertain": [], "risk": [], "data_quality": []}


class CheckAnswer(BaseModel):
    """Whether measures in force apply to the party for the scenario, with evidence."""

    model_config = examples(CHECK_EXAMPLE)

    subject: Party
    as_of: AsOfText
    scenario: str | None
    applies: bool = Field(description="true when at least one measure in force applies")
    measures: list[Json]
    uncertain: list[Json]
    risk: list[Json] = Field(default_factory=list,
                             description="enterprises: measures on persons now in its roles "
                                         "(information, not a sanction: R2)")
    data_quality: list[Json] = Field(
        default_factory=list,
        description="doubtful data the answer stands on: the enterprise's own on the date "
                    "(holders above 100 %, two legal representatives) and what the "
                    "derivations met; who, how much over, from which lines")


class ItemError(BaseModel):
    status: int
    detail: str


class CheckItemError(BaseModel):
    """A batch subject that could not be checked (e.g. unknown key: status 404)."""

    model_config = examples({"id": "nobody", "error": {
        "status": 404, "detail": "no enterprise or person with key 'nobody'"}})

    id: str
    error: ItemError


class CheckBatchIn(BaseModel):
    """Up to 1,000 subjects (USCCs or person keys), answered in the same order."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "subjects": ["914101057123456728", SYNTHETIC_ID, "nobody"],
        "scenario": "procurement", "as_of": "2024-01-01"}]})

    subjects: list[Key] = Field(description="at most 1,000 (413 beyond)")
    scenario: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    as_of: IsoDay | None = None


class CheckBatchAnswer(BaseModel):
    """One answer per subject, in the order asked."""

    model_config = examples({"count": 2, "results": [
        CHECK_EXAMPLE, {"id": "nobody", "error": {"status": 404, "detail": "no enterprise or "
                                                  "person with key 'nobody'"}}]})

    count: int
    results: list[CheckAnswer | CheckItemError]


# --- enterprises ----------------------------------------------------------------------
class AccountableAnswer(BaseModel):
    """R1: persons reached by the enterprise's measures, with the evidence chains."""

    model_config = examples({
        "enterprise": HUAXIN, "as_of": "2024-01-01", "measures": ["ZZ-2021-JP-0001"],
        "reached": [{"person": LINA["id"], "name": "李娜", "roles": ["legal_representative"],
                     "measure": "ZZ-2021-JP-0001", "derived": True, "state": STATE,
                     "evidence": [MEASURE, {"step": "person", **LINA}]}],
        "uncertain": []})

    enterprise: Party
    as_of: AsOfText
    measures: list[str]
    reached: list[Json]
    uncertain: list[Json]


class OwnersAnswer(BaseModel):
    """Direct and indirect holders with effective shares; controllers; beneficial owners."""

    model_config = examples({
        "enterprise": HUAXIN, "as_of": "2024-01-01",
        "holders": [{"holder": LINA, "direct": {"low": 10.0, "high": 10.0},
                     "effective": {"low": 10.0, "high": 10.0}, "paths": []}],
        "controlling_shareholder": None, "actual_controller": None, "beneficial_owners": []})

    enterprise: Party
    as_of: AsOfText
    holders: list[Json]
    controlling_shareholder: Json | None
    actual_controller: Json | None
    beneficial_owners: list[Json]


class GroupAnswer(BaseModel):
    """The enterprises connected by control (R5 groups)."""

    model_config = examples({
        "enterprise": HUAXIN, "as_of": "2024-01-01",
        "members": [{**HUAXIN, "enterprise_kind": "company", "depth": 0, "relation": "self"}],
        "edges": [], "truncated": False})

    enterprise: Party
    as_of: AsOfText
    members: list[Json]
    edges: list[Json]
    truncated: bool


class ScoreAnswer(BaseModel):
    """The transparent credit score: 100 less the contributions, grade A–D."""

    model_config = examples({
        "enterprise": HUAXIN, "as_of": "2024-01-01", "score": 86.63, "grade": "B",
        "supervision": "常规抽查", "contributions": [
            {"source": "ZZ-2021-JP-0001", "kind": "joint_punishment", "points": 13.37,
             "type": "own", "explanation": "own measure 失信联合惩戒"}], "limits": []})

    enterprise: Party
    as_of: AsOfText
    score: float
    grade: Literal["A", "B", "C", "D"]
    supervision: str
    contributions: list[Json]
    limits: list[str]


# --- networks -------------------------------------------------------------------------
class RelatedAnswer(BaseModel):
    """Parties within `hops` and how they are related; suspected relations apart."""

    model_config = examples({
        "party": HUAXIN, "as_of": "2024-01-01", "hops": 2, "kinds": [Rel.LEGAL_REPRESENTATIVE],
        "related": [{**LINA, "distance": 1, "relations": [
            {"relation": "role", "label_zh": "法定代表人", "suspected": False, "paths": []}]}],
        "suspected": [], "truncated": 0, "complete": True})

    party: Party
    as_of: AsOfText
    hops: int
    kinds: list[str]
    related: list[Json]
    suspected: list[Json]
    suppressed_hubs: list[Json] = []
    truncated: int
    complete: bool


class PathsAnswer(BaseModel):
    """Every shortest path between two parties (at most `limit`)."""

    model_config = examples({"from": HUAXIN, "to": LINA, "as_of": "2024-01-01",
                             "kinds": [Rel.LEGAL_REPRESENTATIVE], "max_hops": 6, "length": 1,
                             "paths": [{"length": 1, "nodes": [HUAXIN, LINA], "edges": [],
                                        "uncertain": []}], "more": False},
                            populate_by_name=True)

    from_: Party = Field(alias="from")
    to: Party
    as_of: AsOfText
    kinds: list[str]
    max_hops: int
    length: int | None = Field(description="relationships per path; null: no path")
    paths: list[Json]
    more: bool


class AlertsAnswer(BaseModel):
    """R4 early warnings: forbidden roles, new shells, exposure within k hops."""

    model_config = examples({"as_of": "2024-01-01", "k": 2, "forbidden_roles": [],
                             "new_shells": [], "exposure": [],
                             "truncated": {"forbidden_roles": 0, "new_shells": 0,
                                           "exposure": 0}, "complete": True})

    as_of: AsOfText
    k: int
    forbidden_roles: list[Json]
    new_shells: list[Json]
    exposure: list[Json]
    truncated: dict[str, int]
    complete: bool


class DisclosureAnswer(BaseModel):
    """Decisions against their working-day publication deadlines (双公示 7 working days,
    the market regulator's registration information 20), with counts."""

    model_config = examples({
        "as_of": "2026-03-10", "since": "2026-02-01", "until": None,
        "authority": "郑州市市场监督管理局", "decisions": [
            {"measure": "P1", "kind": "administrative_penalty", "kind_zh": "行政处罚信息",
             "subject": HUAXIN["id"], "subject_kind": "enterprise",
             "authority": "郑州市市场监督管理局", "decided": "2026-02-13",
             "published": "2026-02-27", "within_workdays": 7, "deadline": "2026-03-02",
             "status": "on_time", "reason": None, "rule": "双公示: 7个工作日内公示"}],
        "counts": {"on_time": 1}, "by_deadline": {"7": 1}, "truncated": 0})

    as_of: AsOfText
    since: str | None
    until: str | None
    authority: str | None
    decisions: list[Json]
    counts: dict[str, int]
    by_deadline: dict[str, int]
    truncated: int


class GraphAnswer(BaseModel):
    """Nodes and edges within `hops` of a node (for pictures)."""

    model_config = examples({
        "center": HUAXIN["id"], "as_of": "2024-01-01", "hops": 1,
        "kinds": [Rel.LEGAL_REPRESENTATIVE], "complete": True,
        "nodes": [{**HUAXIN, "label_zh": "市场主体", "distance": 0, "props": {}},
                  {**LINA, "label_zh": "自然人", "distance": 1, "props": {}}],
        "edges": [{"id": "7bdd844f", "type": Rel.LEGAL_REPRESENTATIVE, "source": LINA["id"],
                   "target": HUAXIN["id"], "validity": "yes"}], "truncated": []})

    center: str
    as_of: AsOfText
    hops: int
    kinds: list[str]
    complete: bool
    nodes: list[Json]
    edges: list[Json]
    truncated: list[Json]


# --- reports --------------------------------------------------------------------------
class ReportAnswer(BaseModel):
    """The data of the analyst's report (`viz.report.report_data`), with the SHA-256 of
    its canonical JSON: the same facts on the same date (and mask key) give the same hash."""

    model_config = examples({
        "as_of": "2024-01-01", "center": HUAXIN["id"], "hops": 1,
        "kinds": [Rel.LEGAL_REPRESENTATIVE],
        "summary": {"party": HUAXIN, "measures": [], "alerts": []},
        "tables": {"parties": [HUAXIN], "roles": [], "holdings": [], "measures": [],
                   "evidence": [], "metrics": []},
        "metrics": {"nodes": 1, "edges": 0, "components": 1}, "truncated": [],
        "hash": "5d41402abc4b2a76b9719d911017c592" * 2})

    as_of: AsOfText
    center: str
    hops: int
    kinds: list[str]
    summary: Json
    tables: dict[str, list[Json]]
    metrics: Json
    truncated: list[Json]
    hash: str = Field(description="SHA-256 of the report's canonical JSON")


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

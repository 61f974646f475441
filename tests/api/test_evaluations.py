"""Evaluation runs through the API: started by an administrator, followed to the end with
progress, results downloaded by every role that reads scores, one run at a time (409), on
the memory store opened by the app's own store factory and on Neo4j."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from credtrace.api.http.app import create_app
from credtrace.api.http.evaluation_jobs import JOB_FILE, EvaluationJobs
from credtrace.api.http.resources import StoreHolder
from credtrace.api.roles import Role
from credtrace.api.settings import ApiSettings
from credtrace.graph import MemoryStore, Store
from credtrace.ingest import ingest_bundle
from credtrace.queries.evaluation import Evaluation
from tests.api.conftest import AS_OF, HUAXIN, PERSON_IDS, Api, evaluated, finished, serve
from tests.conftest import EXAMPLE

START = "/v1/evaluations"


@pytest.fixture
def service(store_name: str, store: Store, tmp_path: Path) -> Iterator[Api]:
    """The app on the example, its store opened from the settings (`memory:PATH` or the
    Neo4j of the environment) as `credtrace serve` opens it."""
    if store_name == "memory":
        folder = tmp_path / "data"
        embedded = MemoryStore(folder)
        ingest_bundle(embedded, EXAMPLE)
        embedded.flush()
        spec = f"memory:{folder}"
    else:
        ingest_bundle(store, EXAMPLE)
        spec = "neo4j"
    settings = ApiSettings(store=spec, security_db=tmp_path / "security.sqlite",
                           mask_key="a-test-masking-key-0123")
    yield from serve(create_app(settings))


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_run_is_started_followed_and_downloaded(service: Api) -> None:
    response = service.post(START, json={"as_of": AS_OF})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/evaluations/{job['id']}"
    assert job["status"] in ("queued", "running") and job["previous"] is None
    done = finished(service, job["id"])
    assert done["status"] == "done", done
    assert done["progress"] == {"done": 8, "total": 8}
    assert done["started"] and done["finished"] and done["error"] is None
    run = done["run"]
    expected = Evaluation(service.store, as_of=AS_OF)
    rows = list(expected.rows())
    assert run["content_hash"] == expected.content_hash
    assert run["grades"] == dict(sorted(expected.grades.items())) and run["changes"] == {"new": 8}
    body = service.get(f"/v1/evaluations/{job['id']}/result?format=jsonl")
    assert body.status_code == 200 and body.headers["content-type"] == "application/x-ndjson"
    got = lines(body.text)
    assert [r["uscc"] for r in got] == [r["uscc"] for r in rows]
    assert {r["uscc"]: r["grade"] for r in got}[HUAXIN] == "D"  # joint punishment caps it
    table = service.get(f"/v1/evaluations/{job['id']}/result?format=csv")
    assert table.headers["content-type"].startswith("text/csv")
    (huaxin,) = [r for r in csv.DictReader(io.StringIO(table.text.lstrip("\ufeff")))
                 if r["uscc"] == HUAXIN]
    assert huaxin["grade"] == "D" and huaxin["change"] == "new"
    sheet = service.get(f"/v1/evaluations/{job['id']}/result?format=xlsx")
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    assert len(list(book.worksheets[0].iter_rows())) == 9  # the header and 8 enterprises
    listed = service.get(START).json()["evaluations"]
    assert [j["id"] for j in listed] == [job["id"]]


def test_the_next_run_reports_changes_since_the_previous_one(service: Api) -> None:
    first = evaluated(service, "2024-01-01")
    second = evaluated(service, "2024-01-01", formats=["csv"])
    assert second["previous"] == first["id"] and second["formats"] == ["jsonl", "csv"]
    assert second["run"]["changes"] == {"same": 8}
    assert second["run"]["content_hash"] == first["run"]["content_hash"]  # same data, date
    assert second["run"]["previous_content_hash"] == first["run"]["content_hash"]
    missing = service.get(f"/v1/evaluations/{second['id']}/result?format=xlsx")
    assert missing.status_code == 404 and "was not written as xlsx" in missing.json()["detail"]
    later = evaluated(service, "2031-01-01")  # HUAXIN's joint punishment ended 2027-09-01
    rows = lines(service.get(f"/v1/evaluations/{later['id']}/result").text)
    (huaxin,) = [r for r in rows if r["uscc"] == HUAXIN]
    assert huaxin["change"]["direction"] == "up" and huaxin["change"]["previous_grade"] == "D"
    assert any("ZZ-2021-JP-0001" in why for why in huaxin["change"]["why"])
    newest = [j["id"] for j in service.get(START).json()["evaluations"]]
    assert newest == [later["id"], second["id"], first["id"]]


def test_one_run_at_a_time(service: Api) -> None:
    writing = service.app.state.resources.store.access.write()
    writing.__enter__()  # a write in progress: the run waits for the store's read lock
    try:
        first = service.post(START, json={"as_of": AS_OF}).json()
        second = service.post(START, json={"as_of": "2024-06-01"})
        assert second.status_code == 409, second.text
        problem = second.json()
        assert problem["job"] == first["id"] and first["id"] in problem["detail"]
        assert second.headers["content-type"] == "application/problem+json"
        early = service.get(f"/v1/evaluations/{first['id']}/result?format=csv")
        assert early.status_code == 409 and early.json()["job"] == first["id"]
    finally:
        writing.__exit__(None, None, None)
    assert finished(service, first["id"])["status"] == "done"
    assert service.post(START, json={"as_of": "2024-06-01"}).status_code == 202


def test_roles(service: Api) -> None:
    for role in (Role.ANALYST, Role.INVESTIGATOR, Role.SANCTION_SYSTEM):
        refused = service.post(START, role, json={"as_of": AS_OF})
        assert refused.status_code == 403, role
        assert refused.headers["content-type"] == "application/problem+json"
    job = evaluated(service)
    result = f"/v1/evaluations/{job['id']}/result"
    for url in (START, f"/v1/evaluations/{job['id']}", result):
        assert service.get(url, Role.SANCTION_SYSTEM).status_code == 403, url
    admin = lines(service.get(result).text)
    for role in (Role.ANALYST, Role.INVESTIGATOR):
        assert finished(service, job["id"], role) == job
        shown = service.get(result, role)
        assert lines(shown.text) == admin  # the rows name no person by ID number
        assert not [p for p in PERSON_IDS if p in shown.text]
        table = service.get(result + "?format=csv", role).text
        assert HUAXIN in table and not [p for p in PERSON_IDS if p in table]


def test_the_start_is_audited(service: Api) -> None:
    job = evaluated(service, formats=["xlsx"])
    entries = service.app.state.resources.audit.entries(after=0, limit=1000)
    (start,) = [e for e in entries if e.method == "POST" and e.route == START]
    assert start.role == "admin" and start.subjects == [f"evaluation:{job['id']}"]
    assert start.params == {"as_of": AS_OF, "formats": ["jsonl", "xlsx"]}


def test_bad_requests(service: Api) -> None:
    impossible = service.post(START, json={"as_of": "2024-02-30"})
    assert impossible.status_code == 422 and "2024-02-30" in impossible.json()["detail"]
    unknown = service.post(START, json={"as_of": AS_OF, "formats": ["pdf"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"][:2] == ["body", "formats"]
    assert service.post(START, json={}).status_code == 422
    assert service.post(START, json={"as_of": AS_OF, "x": 1}).status_code == 422
    assert service.get("/v1/evaluations/20240101T000000000000Z-00000000").status_code == 404
    assert service.get("/v1/evaluations/..%2Fsecurity.sqlite").status_code in (404, 422)
    assert service.get("/v1/evaluations/nope/result").status_code == 422
    assert service.get(START + "?limit=0").status_code == 422


def test_a_run_cut_by_a_stopped_service_is_marked_failed(tmp_path: Path) -> None:
    folder = tmp_path / "evaluations" / "20240101T000000000000Z-0000abcd"
    folder.mkdir(parents=True)
    (folder / JOB_FILE).write_text(json.dumps({
        "id": folder.name, "status": "running", "as_of": AS_OF, "formats": ["jsonl"],
        "previous": None, "queued": "2024-01-01T00:00:00+00:00", "started": None,
        "finished": None, "progress": {"done": 3, "total": 8}, "run": None, "error": None}))
    jobs = EvaluationJobs(tmp_path / "evaluations", StoreHolder(MemoryStore))
    job = jobs.get(folder.name)
    assert job["status"] == "failed" and "interrupted" in job["error"]
    assert job["progress"] == {"done": 3, "total": 8}


def test_closing_the_service_stops_a_run(tmp_path: Path) -> None:
    store = MemoryStore()
    ingest_bundle(store, EXAMPLE)
    holder = StoreHolder(lambda: store)
    jobs = EvaluationJobs(tmp_path, holder)
    with holder.access.write():  # the run waits for the store
        job = jobs.start("20240101T000000000000Z-0000abcd", as_of=AS_OF, formats=["jsonl"])
        jobs.stop()
    jobs.close()
    ended = jobs.get(job["id"])
    assert ended["status"] == "failed" and "stopped" in ended["error"]
    assert ended["progress"]["done"] == 0 and ended["progress"]["total"] == 8

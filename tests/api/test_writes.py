"""Writes by administrators: measure events through the ingest validation, bundle uploads."""

from __future__ import annotations

import io
import zipfile

import httpx

from credtrace.api.roles import Role
from tests.api.conftest import HUAXIN, MEASURE, Api
from tests.conftest import EXAMPLE

EVENTS = f"/v1/measures/{MEASURE}/events"


def test_an_event_is_recorded_once_and_changes_the_answer(api: Api) -> None:
    before = api.get(f"/v1/check/{HUAXIN}?as_of=2026-12-01").json()
    assert before["applies"] is True
    response = api.post(EVENTS, json={"event": "repaired", "date": "2026-11-20",
                                      "note": "履行完毕"})
    assert response.status_code == 201, response.text
    assert response.json()["created"] is True
    again = api.post(EVENTS, json={"event": "repaired", "date": "2026-11-20",
                                   "note": "履行完毕"})
    assert again.status_code == 201 and again.json()["created"] is False
    after = api.get(f"/v1/check/{HUAXIN}?as_of=2026-12-01").json()
    assert after["applies"] is False
    entity = api.get(f"/v1/entities/{HUAXIN}?as_of=2026-12-01").json()
    (measure,) = [m for m in entity["measures"] if m["id"] == MEASURE]
    assert measure["state"]["status"] == "repaired"
    assert {"event": "repaired", "date": "2026-11-20", "note": "履行完毕"} in measure["events"]


def test_event_errors(api: Api) -> None:
    assert api.post("/v1/measures/NOPE/events",
                    json={"event": "exited", "date": "2024-01-01"}).status_code == 404
    bad = api.post(EVENTS, json={"event": "forgiven", "date": "2024-01-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "event"
    assert api.post(EVENTS, json={"event": "exited", "date": "2024-02-30"}).status_code == 422
    assert api.post(EVENTS, Role.INVESTIGATOR,
                    json={"event": "exited", "date": "2024-01-01"}).status_code == 403


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def example_zip(prefix: str = "zhengzhou/") -> bytes:
    return zipped({prefix + p.name: p.read_bytes() for p in EXAMPLE.glob("*.csv")})


def upload(api: Api, *files: tuple[str, bytes]) -> httpx.Response:
    return api.post("/v1/ingest", files=[("files", (n, d, "application/octet-stream"))
                                         for n, d in files])


def test_upload_a_zip_then_again_changes_nothing(api: Api) -> None:
    response = upload(api, ("bundle.zip", example_zip()))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "succeeded" and report["rejected"] == 0
    assert report["writes"]["created"] == 0 and report["writes"]["updated"] == 0
    assert sorted(report["files"]) == sorted(p.name for p in EXAMPLE.glob("*.csv"))


def test_upload_csv_files_with_a_bad_row(api: Api) -> None:
    persons = (EXAMPLE / "persons.csv").read_bytes() + "410105197503120319,错号,ric\n".encode()
    report = upload(api, ("persons.csv", persons)).json()
    assert report["rejected"] == 1
    (reject,) = [r for r in report["rejects"] if r["severity"] == "error"]
    assert (reject["file"], reject["field"]) == ("persons.csv", "person_id")


def test_uploads_that_are_refused(api: Api) -> None:
    assert upload(api, ("bundle.zip", b"not a zip")).status_code == 422
    assert upload(api, ("../../etc/passwd.csv", b"x")).status_code == 422
    assert upload(api, ("x.zip", zipped({"../evil.sh": b"x"}))).status_code == 422
    assert upload(api, ("notes.txt", b"x")).status_code == 422


def test_upload_above_the_limit_is_413(api: Api) -> None:
    limit = api.app.state.resources.settings.max_upload_bytes
    response = upload(api, ("bundle.zip", b"0" * (limit + 1)))
    assert response.status_code == 413


def test_a_zip_bomb_stops_at_the_unpacked_limit(api: Api) -> None:
    api.app.state.resources.settings.max_unpacked_bytes = 10_000
    bomb = zipped({"persons.csv": b"person_id,name,id_type\n" + b"0" * 1_000_000})
    response = upload(api, ("bomb.zip", bomb))
    assert response.status_code == 413


def test_upload_a_bods_file(api: Api) -> None:
    statements = EXAMPLE.parent.parent / "tests/data/interop/bods/joint-ownership.json"
    response = upload(api, ("joint-ownership.json", statements.read_bytes()))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["source"] == "bods" and report["writes"]["created"] > 0
    assert "path" not in report and report["files"] == ["joint-ownership.json"]

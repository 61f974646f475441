"""The audit trail: every call is recorded before it reads; tampering is detected and the
entry named, by the API and by `credtrace audit verify`."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from credtrace.api.cli import app as cli
from credtrace.api.roles import Role
from tests.api.conftest import AS_OF, HUAXIN, LINA, Api
from tests.api.test_roles import REQUESTS, url_of


def db_path(api: Api) -> Path:
    return Path(api.app.state.resources.settings.security_path)


def test_every_route_writes_one_entry(api: Api) -> None:
    trail = api.app.state.resources.audit
    for (method, route), (url, kwargs, _) in REQUESTS.items():
        url = url_of(api, url)
        before = len(trail.entries(limit=1000))
        call = api.client.get if method == "GET" else api.client.post
        assert call(url, headers=api.headers(Role.ADMIN), **kwargs).status_code < 300
        entries = trail.entries(limit=1000)
        assert len(entries) == before + 1, route
        assert (entries[-1].method, entries[-1].route, entries[-1].role) == (method, route,
                                                                             "admin")


def test_an_entry_says_who_what_why_and_when(api: Api) -> None:
    api.client.get(f"/v1/entities/{LINA}?as_of={AS_OF}",  # UTF-8, percent-encoded
                   headers=api.headers(Role.INVESTIGATOR, purpose=quote("案件 2024-17")))
    api.post("/v1/check", Role.SANCTION_SYSTEM, json={"subjects": [HUAXIN, "nobody"]})
    listed = api.get("/v1/audit?limit=2").json()["entries"]
    first, second = listed
    assert (first["role"], first["route"], first["subjects"], first["purpose"]) == (
        "investigator", "/v1/entities/{id}", [LINA], "案件 2024-17")
    assert first["key_id"] == api.keys[Role.INVESTIGATOR].split("_")[1]
    assert second["subjects"] == [HUAXIN, "nobody"] and second["prev"] == first["hash"]
    assert first["ts"] <= second["ts"]


def test_refused_calls_are_audited_with_status_and_reason(api: Api) -> None:
    trail = api.app.state.resources.audit
    before = len(trail.entries(limit=1000))
    assert api.get("/v1/audit", Role.ANALYST).status_code == 403
    assert api.client.get("/v1/audit?after=3", headers={"X-API-Key": "ctk_forged_x"}
                          ).status_code == 401
    assert api.get(f"/v1/related/{HUAXIN}?hops=99").status_code == 422
    assert api.post("/v1/check", json={"subjects": [HUAXIN] * 1001}).status_code == 413
    forbidden, unauthorized, invalid, too_large = trail.entries(after=before, limit=10)
    assert (forbidden.role, forbidden.params) == ("analyst", {
        "refused": 403, "reason": "role analyst may not call audit routes"})
    assert (unauthorized.key_id, unauthorized.role, unauthorized.params) == ("forged", "none", {
        "after": "3", "refused": 401, "reason": "the API key is invalid or revoked"})
    assert invalid.subjects == [HUAXIN] and invalid.params is not None
    assert (invalid.params["hops"], invalid.params["refused"]) == ("99", 422)
    assert too_large.params is not None and too_large.params["refused"] == 413
    assert trail.verify().ok


def test_entries_keep_the_parameters(api: Api) -> None:
    api.get(f"/v1/exports/{HUAXIN}?format=csv&hops=2&kinds=role&kinds=shareholding"
            f"&as_of={AS_OF}", Role.INVESTIGATOR)
    api.post("/v1/measures/ZZ-2021-JP-0001/events",
             json={"event": "objection_rejected", "date": "2026-11-01", "note": "驳回"})
    export, event = api.app.state.resources.audit.entries(limit=1000)[-2:]
    assert export.params == {"format": "csv", "hops": "2", "kinds": ["role", "shareholding"],
                             "as_of": AS_OF}
    assert event.params == {"event": "objection_rejected", "date": "2026-11-01", "note": "驳回"}


def fill(api: Api, n: int = 5) -> None:
    for _ in range(n):
        assert api.get(f"/v1/check/{HUAXIN}", Role.SANCTION_SYSTEM).status_code == 200


TAMPERING = {
    "edit": ("UPDATE audit SET purpose = 'nothing to see' WHERE seq = 3", {(3, "edited")}),
    "delete": ("DELETE FROM audit WHERE seq = 3", {(3, "missing"), (4, "broken_link")}),
    "reorder": ("UPDATE audit SET seq = -seq WHERE seq IN (2, 4); "
                "UPDATE audit SET seq = 6 + seq WHERE seq IN (-2, -4)", {(2, "edited"),
                                                                          (4, "edited")}),
    "insert": ("INSERT INTO audit SELECT seq + 1000, ts, key_id, role, method, route, "
               "subjects, purpose, prev, hash, params FROM audit WHERE seq = 2",
               {(1002, "broken_link"), (1002, "edited")}),
    "cut the newest": ("DELETE FROM audit WHERE seq = 6", {(6, "truncated")}),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_tampering_is_detected_and_named(api: Api, how: str) -> None:
    fill(api)
    assert api.get("/v1/audit/verify").json()["ok"] is True  # entry 6
    statement, expected = TAMPERING[how]
    with sqlite3.connect(db_path(api)) as db:
        db.executescript(statement)
    db.close()
    expected_names = {seq for seq, _ in expected}
    answer = api.get("/v1/audit/verify")
    if how in ("cut the newest", "insert"):  # the head disagrees: nothing can be recorded
        assert answer.status_code == 503 and "disagrees with the last entry" in answer.text
        response = api.app.state.resources.audit.verify().model_dump()
    else:
        response = answer.json()
    assert response["ok"] is False
    found = {(p["seq"], p["problem"]) for p in response["problems"]}
    assert expected <= found, found
    assert all(str(seq) in " ".join(p["detail"] for p in response["problems"])
               for seq in expected_names)
    cli_result = CliRunner().invoke(cli, ["audit", "verify"],
                                    env={"CREDTRACE_SECURITY_DB": str(db_path(api))})
    assert cli_result.exit_code == 1
    assert f"entry {min(expected_names)}" in cli_result.output


def test_cli_verify_of_an_intact_trail(api: Api) -> None:
    fill(api, 2)
    result = CliRunner().invoke(cli, ["audit", "verify", "--json"],
                                env={"CREDTRACE_SECURITY_DB": str(db_path(api))})
    assert result.exit_code == 0 and '"ok": true' in result.output


def test_entries_cut_from_the_end_disagree_with_the_head(api: Api) -> None:
    fill(api, 3)
    with sqlite3.connect(db_path(api)) as db:
        db.execute("DELETE FROM audit WHERE seq = 3")
    db.close()
    result = api.app.state.resources.audit.verify()
    assert not result.ok
    assert [(p.seq, p.problem) for p in result.problems] == [(3, "truncated")]

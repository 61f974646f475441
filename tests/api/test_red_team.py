"""The attacks of issue 13, replayed: each test fails if its attack works again. The
attacker holds a valid key (analyst or sanction system; loopback only), or can read the
data files. Both stores."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from credtrace.api.cli import app as cli
from credtrace.api.http.app import create_app
from credtrace.api.roles import Role
from credtrace.api.settings import ApiSettings
from credtrace.graph import MemoryStore, Store
from credtrace.graph.personal import is_citizen_id
from credtrace.ingest import ingest_path
from tests.api.conftest import (
    AS_OF,
    HUAXIN,
    LINA,
    MEASURE,
    PERSON_IDS,
    XINHUAXIN,
    Api,
    start,
    token_of,
)

ZHANGWEI = "410105197503120318"  # 张伟: in the graph, no measure applies to him
ZHAOQIANG = "41010419790520071X"  # 赵强: ends in X


def candidates(known: str, n: int) -> list[str]:
    """Valid ID numbers that the masked token of `known` (4 digits at each end) fits."""
    found = []
    day = date(1950, 1, 1)
    while len(found) < n:
        for region in ("05", "02", "03"):
            number = f"{known[:4]}{region}{day:%Y%m%d}{known[14:]}"
            if number != known and is_citizen_id(number):
                found.append(number)
        day += timedelta(days=1)
    return found[:n]


def without_subject(answer: dict[str, Any]) -> dict[str, Any]:
    return {**answer, "subject": {**answer["subject"], "id": None}}


# --- 1. no prefix oracle --------------------------------------------------------------
def test_prefix_walk_finds_no_person_for_a_masked_role(api: Api) -> None:
    for n in range(4, len(LINA) + 1):
        found = api.get(f"/v1/search?q={LINA[:n]}", Role.ANALYST).json()["results"]
        assert [r for r in found if r["kind"] == "Person"] == [], n
    # a role that sees ID numbers still searches by key
    shown = api.get(f"/v1/search?q={LINA[:8]}", Role.INVESTIGATOR).json()["results"]
    assert LINA in {r["id"] for r in shown}
    # and a masked role finds persons by name, as a token, and by that token
    token = token_of(api)
    assert token.startswith("4101**********0429~")
    by_token = api.get(f"/v1/search?q={token}", Role.ANALYST).json()
    assert [r["id"] for r in by_token["results"]] == [token] and by_token["query"] == token


# --- 2. no existence oracle -----------------------------------------------------------
def test_batch_oracle_over_a_tokens_candidates(api: Api) -> None:
    guesses = [*candidates(ZHANGWEI, 199), ZHANGWEI]
    response = api.post("/v1/check", Role.SANCTION_SYSTEM,
                        json={"subjects": guesses, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    shapes = {json.dumps(without_subject(r), sort_keys=True) for r in results}
    assert len(shapes) == 1  # the person in the graph answers like every unknown guess
    assert results[-1]["applies"] is False and results[-1]["subject"]["name"] == ""
    assert not any(p in response.text for p in PERSON_IDS)
    single = [api.get(f"/v1/check/{g}?as_of={AS_OF}", Role.ANALYST) for g in guesses[-2:]]
    assert [s.status_code for s in single] == [200, 200]
    assert without_subject(single[0].json()) == without_subject(single[1].json())


@pytest.mark.parametrize("url", ["/v1/entities/{id}", "/v1/related/{id}", "/v1/graph/{id}",
                                 "/v1/paths?from={id}&to=" + HUAXIN,
                                 "/v1/viz/ego/{id}", "/v1/exports/{id}?format=json"])
def test_a_full_id_number_is_answered_as_an_unknown_person(api: Api, url: str) -> None:
    unknown = candidates(ZHANGWEI, 1)[0]
    real = api.get(url.format(id=ZHANGWEI), Role.ANALYST)
    guess = api.get(url.format(id=unknown), Role.ANALYST)
    assert real.status_code == guess.status_code == 404
    assert real.json()["detail"].replace(ZHANGWEI, "?") == guess.json()["detail"].replace(
        unknown, "?")
    # by its token the person is reachable
    token = token_of(api, "张伟")
    assert api.get(url.format(id=token), Role.ANALYST).status_code == 200


def test_third_persons_in_risk_lists_carry_no_digits(api: Api) -> None:
    answer = api.get(f"/v1/check/{XINHUAXIN}?as_of={AS_OF}", Role.SANCTION_SYSTEM).json()
    shown = api.get(f"/v1/check/{XINHUAXIN}?as_of={AS_OF}", Role.INVESTIGATOR).json()
    assert shown["risk"], "李娜, under a derived measure, is in 新华信's roles"
    assert len(answer["risk"]) == len(shown["risk"])
    for item in answer["risk"]:
        assert not any(c.isdigit() for c in item["person"]["id"].split("~")[0])
        assert item["person"]["name"] and item["roles"]


@pytest.fixture
def budgeted(loaded: Store, tmp_path: Path) -> Iterator[Api]:
    yield from start(loaded, tmp_path, unknown_budget=50)


def test_the_daily_budget_of_unknown_subjects_stops_a_walk(budgeted: Api) -> None:
    api = budgeted
    first = api.post("/v1/check", Role.SANCTION_SYSTEM, json={"subjects": candidates(LINA, 40)})
    assert first.status_code == 200
    over = api.post("/v1/check", Role.SANCTION_SYSTEM, json={"subjects": candidates(LINA, 80)})
    assert over.status_code == 429 and over.json()["type"].endswith("budget-spent")
    # spent for the day: a known subject is refused too (no oracle past the budget)
    again = api.get(f"/v1/check/{LINA}", Role.SANCTION_SYSTEM)
    assert again.status_code == 429
    alerts = [e for e in api.app.state.resources.audit.entries(limit=1000)
              if e.route == "alert:unknown-budget"]
    assert len(alerts) == 1 and alerts[0].role == "sanction_system"
    assert api.get(f"/v1/check/{LINA}", Role.INVESTIGATOR).status_code == 200  # other keys


# --- 3. free text ------------------------------------------------------------------------
def test_every_written_form_in_an_event_note_is_masked(api: Api) -> None:
    note = ("异议人 41010419790520071x；代理人 410105 198207 070429；"
            "证人 ４１０１０５１９７５０３１２０３１８；原件 ID4101-0519-8207-0704-29")
    assert api.post(f"/v1/measures/{MEASURE}/events", json={
        "event": "objection_rejected", "date": "2026-11-01", "note": note}).status_code == 201
    masked = api.get(f"/v1/entities/{HUAXIN}?as_of=2026-12-01", Role.ANALYST)
    text = masked.text
    for number in (ZHAOQIANG, LINA, ZHANGWEI):
        assert number[4:14] not in "".join(c for c in text if c.isdigit()), number
    assert "41010419790520071x" not in text and "４１０１０５１９７５" not in text
    shown = api.get(f"/v1/entities/{HUAXIN}?as_of=2026-12-01", Role.INVESTIGATOR).json()
    assert note in json.dumps(shown, ensure_ascii=False)


# --- 4. formula cells ------------------------------------------------------------------
FORMULAS = ["=HYPERLINK(\"http://x\",\"点击\")", "+1+1", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)", " =1+1", "\t=1+1"]


def upload_formula_company(api: Api) -> str:
    uscc = "91410100MA44ABCD1F"
    rows = [["uscc", "name", "kind", "status", "established", "address", "phone", "email"]]
    rows += [[uscc, FORMULAS[0], "company", "active", "2020-01-01", FORMULAS[5], FORMULAS[1],
              FORMULAS[3]]]
    roles = [["enterprise", "person", "role", "start", "end"],
             [uscc, ZHANGWEI, "director", "2020-01-01", ""]]

    def text(table: list[list[str]]) -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows(table)
        return out.getvalue().encode()

    response = api.post("/v1/ingest", files=[
        ("files", ("enterprises.csv", text(rows), "text/csv")),
        ("files", ("roles.csv", text(roles), "text/csv"))])
    assert response.status_code == 200, response.text
    if response.json()["rejected"]:
        pytest.skip(f"the test company was refused: {response.json()['rejects']}")
    return uscc


def test_exports_carry_no_live_formula(api: Api, tmp_path: Path) -> None:
    uscc = upload_formula_company(api)
    xlsx = api.get(f"/v1/exports/{uscc}?format=xlsx", Role.ANALYST)
    path = tmp_path / "e.xlsx"
    path.write_bytes(xlsx.content)
    book = openpyxl.load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert FORMULAS[0] in {c.value for c in cells}  # the text itself is kept
    archive = zipfile.ZipFile(io.BytesIO(api.get(f"/v1/exports/{uscc}?format=csv",
                                                 Role.ANALYST).content))
    values = [v for name in archive.namelist()
              for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
              for v in row]
    assert FORMULAS[0] in {v.lstrip("'") for v in values}
    live = [v for v in values if v.lstrip()[:1] in ("=", "+", "-", "@")
            and not v.lstrip("-").replace(".", "").isdigit()]
    assert live == []


# --- 5. due process ----------------------------------------------------------------------
@pytest.mark.parametrize("body", [{"event": "exited", "date": 0},
                                  {"event": "exited", "date": "0001-01-01"},
                                  {"event": "exited", "date": "9999-12-31"},
                                  {"event": "objection_rejected", "date": "2026-10-01"}])
def test_bad_events_cannot_end_a_measure(api: Api, body: dict[str, Any]) -> None:
    assert api.post(f"/v1/measures/{MEASURE}/events", json=body).status_code == 422
    assert api.get(f"/v1/check/{HUAXIN}?as_of=2026-12-01").json()["applies"] is True


# --- 6. audit tamper evidence ---------------------------------------------------------------
def security_db(api: Api) -> Path:
    return Path(api.app.state.resources.settings.security_path)


def cli_verify(api: Api, *args: str) -> Any:
    return CliRunner().invoke(cli, ["audit", "verify", *args],
                              env={"CREDTRACE_SECURITY_DB": str(security_db(api))})


def test_truncation_with_the_head_removed(api: Api) -> None:
    for _ in range(5):
        api.get(f"/v1/check/{HUAXIN}", Role.SANCTION_SYSTEM)
    with sqlite3.connect(security_db(api)) as db:
        db.executescript("DELETE FROM audit WHERE seq >= 4; DELETE FROM audit_head;")
    db.close()
    result = cli_verify(api)
    assert result.exit_code == 1 and "head_missing" in result.output
    for role in Role:  # nothing is served unrecorded, and never a 500
        answer = api.get(f"/v1/check/{HUAXIN}", role)
        assert answer.status_code == 503, (role, answer.text)
        assert ("head is missing" in answer.json()["detail"]) == (role is Role.ADMIN)
    assert CliRunner().invoke(cli, ["audit", "reseal"], env={
        "CREDTRACE_SECURITY_DB": str(security_db(api))}).exit_code == 0
    assert api.get(f"/v1/check/{HUAXIN}", Role.SANCTION_SYSTEM).status_code == 200


def test_a_rewound_chain_fails_against_its_anchor(api: Api, tmp_path: Path) -> None:
    for _ in range(5):
        api.get(f"/v1/check/{HUAXIN}", Role.SANCTION_SYSTEM)
    anchor = tmp_path / "anchor.json"
    env = {"CREDTRACE_SECURITY_DB": str(security_db(api))}
    assert CliRunner().invoke(cli, ["audit", "anchor", "--out", str(anchor)], env=env
                              ).exit_code == 0
    assert stat.S_IMODE(anchor.stat().st_mode) == 0o600
    assert cli_verify(api, "--anchor", str(anchor)).exit_code == 0
    with sqlite3.connect(security_db(api)) as db:  # cut two and rewind the head: consistent
        db.executescript("DELETE FROM audit WHERE seq >= 4; UPDATE audit_head SET seq = 3, "
                         "hash = (SELECT hash FROM audit WHERE seq = 3);")
    db.close()
    assert cli_verify(api).exit_code == 0  # without the anchor nothing shows
    result = cli_verify(api, "--anchor", str(anchor))
    assert result.exit_code == 1 and "anchor" in result.output


def test_control_characters_in_the_purpose_are_escaped_on_output(api: Api) -> None:
    api.client.get(f"/v1/entities/{HUAXIN}",
                   headers={**api.headers(Role.INVESTIGATOR), "X-Purpose": "%1B[2J%07case"})
    result = CliRunner().invoke(cli, ["audit", "show"],
                                env={"CREDTRACE_SECURITY_DB": str(security_db(api)),
                                     "COLUMNS": "400"})
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J\\x07case" in result.output


# --- 7. the two 500s ---------------------------------------------------------------------
def test_integer_overflow_is_a_422(api: Api) -> None:
    assert api.get("/v1/audit?after=9223372036854775808").status_code == 422
    assert api.get("/v1/audit?after=9223372036854775807").status_code == 200


def test_deeply_nested_json_is_a_422(api: Api) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    upload = api.post("/v1/ingest", files=[("files", ("deep.json", deep, "application/json"))])
    assert upload.status_code == 422, upload.text
    body = api.client.post("/v1/check", content=b'{"subjects": ' + deep[:200_000] + b"}",
                           headers={**api.headers(Role.ADMIN),
                                    "content-type": "application/json"})
    assert body.status_code in (400, 422), body.text


# --- 8. files and documents ------------------------------------------------------------
def test_security_database_is_private_and_the_mask_key_stable(tmp_path: Path) -> None:
    path = tmp_path / "data" / "security.sqlite"
    keys = [create_app(ApiSettings(store="memory:", security_db=path)).state.resources.mask_key
            for _ in range(2)]  # two processes, or a restart
    assert keys[0] == keys[1] and len(keys[0]) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_openapi_document_names_no_real_person(api: Api) -> None:
    document = api.client.get("/openapi.json").text
    assert [p for p in PERSON_IDS if p in document] == []


def test_a_rejects_file_is_private(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "persons.csv").write_text("person_id,name,id_type\nnot-an-id,某人,ric\n", "utf-8")
    report = ingest_path(MemoryStore(), bundle, rejects_path=tmp_path / "rejects.csv")
    assert report.rejected == 1
    assert stat.S_IMODE(os.stat(tmp_path / "rejects.csv").st_mode) == 0o600


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_are_served_offline_with_security_headers(api: Api, page: str) -> None:
    html = api.client.get(page)
    assert html.status_code == 200
    assert re.findall(r"(?:src|href)=['\"](https?:)?//", html.text) == []  # no CDN
    for asset in re.findall(r"(?:src|href)=['\"](/[^'\"]+)['\"]", html.text):
        assert api.client.get(asset).status_code == 200, asset
    csp = html.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "http" not in csp
    assert html.headers["x-content-type-options"] == "nosniff"
    page_html = api.get(f"/v1/viz/ego/{HUAXIN}", Role.ANALYST)
    assert "frame-ancestors 'none'" in page_html.headers["content-security-policy"]
    assert api.get("/v1/alerts", Role.ANALYST).headers["x-content-type-options"] == "nosniff"

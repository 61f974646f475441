"""Pictures, reports and exports over HTTP: self-contained HTML with no CDN, ID numbers
masked for the masking roles with the tokens of the JSON answers, the files with their media
types and names, problem details for bad requests, and the audit trail. Who may call each
route is in test_roles.py."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd
import pytest

from credtrace.api.roles import Role
from tests.api.conftest import AS_OF, HUAXIN, LINA, PERSON_IDS, XINHUAXIN, Api, token_of
from tests.test_viz import remote_references

PAGES = {
    "ego": f"/v1/viz/ego/{HUAXIN}?hops=2&kinds=role&kinds=shareholding&as_of={AS_OF}",
    "accountability": f"/v1/viz/accountability/{HUAXIN}?as_of={AS_OF}",
    "ownership": f"/v1/viz/ownership/{HUAXIN}?as_of={AS_OF}",
    "path": f"/v1/viz/path?from={HUAXIN}&to={XINHUAXIN}&as_of={AS_OF}",
    "report": f"/v1/reports/{HUAXIN}?hops=2&as_of={AS_OF}",
}
#: format -> (media type, what the file starts with)
FILES = {
    "csv": ("application/zip", b"PK"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    "graphml": ("application/graphml+xml", b"<?xml"),
    "gexf": ("application/gexf+xml", b"<?xml"),
    "json": ("application/json", b"{"),
}


def token_of_lina(api: Api) -> str:
    """李娜's masked token, as the JSON routes show it to an analyst."""
    return token_of(api)


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_are_offline_html_masked_with_the_api_tokens(api: Api, page: str) -> None:
    token = token_of_lina(api)
    masked = api.get(PAGES[page], Role.ANALYST)
    assert masked.status_code == 200, masked.text
    assert masked.headers["content-type"] == "text/html; charset=utf-8"
    assert remote_references(masked.text) == [] and "<script src" not in masked.text
    assert [p for p in PERSON_IDS if p in masked.text] == []
    assert token in masked.text and "证件号码已脱敏" in masked.text
    shown = api.get(PAGES[page], Role.INVESTIGATOR)
    assert shown.status_code == 200 and LINA in shown.text and token not in shown.text


def test_report_data_as_json(api: Api) -> None:
    masked = api.get(f"/v1/reports/{HUAXIN}?format=json&hops=2&as_of={AS_OF}", Role.ANALYST)
    assert masked.headers["content-type"] == "application/json"
    data = masked.json()
    assert re.fullmatch(r"[0-9a-f]{64}", data["hash"])
    assert {p["id"] for p in data["summary"]["accountable"]} >= {token_of_lina(api)}
    assert [p for p in PERSON_IDS if p in masked.text] == []
    html = api.get(f"/v1/reports/{HUAXIN}?hops=2&as_of={AS_OF}", Role.ANALYST).text
    assert data["hash"] in html  # the page shows the data it hashes
    shown = api.get(f"/v1/reports/{HUAXIN}?format=json&hops=2&as_of={AS_OF}", Role.ADMIN)
    assert LINA in {p["id"] for p in shown.json()["summary"]["accountable"]}


@pytest.mark.parametrize("fmt", list(FILES))
def test_exports_are_files_with_media_type_and_name(api: Api, fmt: str) -> None:
    response = api.get(f"/v1/exports/{HUAXIN}?format={fmt}&hops=2&as_of={AS_OF}",
                       Role.ANALYST)
    media, start = FILES[fmt]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    extension = "zip" if fmt == "csv" else fmt
    assert response.headers["content-disposition"] == (
        f'attachment; filename="export-{HUAXIN}.{extension}"')
    assert response.content.startswith(start)
    if fmt == "csv":
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert sorted(archive.namelist()) == ["edges.csv", "holdings.csv", "measures.csv",
                                              "nodes.csv", "parties.csv", "roles.csv"]
        texts = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
        assert token_of_lina(api) in texts
    elif fmt == "xlsx":
        sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
        texts = json.dumps({k: v.astype(str).values.tolist() for k, v in sheets.items()},
                           ensure_ascii=False)
        assert "roles" in sheets and token_of_lina(api) in texts
    else:
        texts = response.text
    assert [p for p in PERSON_IDS if p in texts] == []


def test_a_persons_export_is_named_by_the_masked_token(api: Api) -> None:
    response = api.get(f"/v1/exports/{token_of(api)}?format=json&as_of={AS_OF}", Role.ANALYST)
    name = re.search(r'filename="(.+)"', response.headers["content-disposition"])
    assert name and re.fullmatch(r"export-4101x{10}0429x[0-9a-f]{8}\.json", name[1])
    shown = api.get(f"/v1/exports/{LINA}?format=json&as_of={AS_OF}", Role.INVESTIGATOR)
    assert f'filename="export-{LINA}.json"' in shown.headers["content-disposition"]


@pytest.mark.parametrize("url, status, field", [
    ("/v1/viz/ego/nobody", 404, None),
    ("/v1/viz/accountability/nobody", 404, None),
    ("/v1/viz/ownership/nobody", 404, None),
    (f"/v1/viz/path?from={HUAXIN}&to=nobody", 404, None),
    ("/v1/reports/nobody", 404, None),
    ("/v1/exports/nobody?format=json", 404, None),
    (f"/v1/viz/accountability/{HUAXIN}?measure=nope", 404, None),
    (f"/v1/viz/ego/{HUAXIN}?hops=5", 422, None),  # beyond max_hops (4)
    (f"/v1/reports/{HUAXIN}?hops=9", 422, "hops"),
    (f"/v1/reports/{HUAXIN}?format=pdf", 422, "format"),
    (f"/v1/exports/{HUAXIN}?format=pdf", 422, "format"),
    (f"/v1/exports/{HUAXIN}", 422, "format"),
    (f"/v1/viz/path?from={HUAXIN}&to={XINHUAXIN}&max_hops=9", 422, "max_hops"),
    (f"/v1/viz/ego/{HUAXIN}?kinds=nonsense", 422, None),
])
def test_bad_requests_are_problem_details(api: Api, url: str, status: int,
                                          field: str | None) -> None:
    response = api.get(url, Role.INVESTIGATOR)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert field in {e["field"] for e in response.json()["errors"]}


def test_pages_are_audited_with_the_parties_asked_about(api: Api) -> None:
    api.get(PAGES["path"], Role.ANALYST)
    api.get(f"/v1/exports/{LINA}?format=gexf", Role.INVESTIGATOR)
    audit = api.app.state.resources.audit
    last = audit.entries(limit=1000)[-2:]
    assert [(e.role, e.route, e.subjects) for e in last] == [
        ("analyst", "/v1/viz/path", [HUAXIN, XINHUAXIN]),
        ("investigator", "/v1/exports/{id}", [LINA])]
    assert audit.verify().ok

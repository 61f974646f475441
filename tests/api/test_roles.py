"""The role matrix, route by route: who may call it (others get 403) and who sees ID
numbers (the others see masked tokens and never a raw ID number)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credtrace.api.http.app import create_app, role_matrix, route_scopes
from credtrace.api.roles import ROLES, Role, allowed
from tests.api.conftest import (
    AS_OF,
    HUAXIN,
    LINA,
    MEASURE,
    PERSON_IDS,
    XINHUAXIN,
    Api,
    evaluated,
    finished,
    settings_for,
    token_of,
)
from tests.conftest import EXAMPLE

#: One valid request per route, and whether its answer names persons.
REQUESTS: dict[tuple[str, str], tuple[str, dict[str, Any], bool]] = {
    ("GET", "/v1/search"): ("/v1/search?q=李", {}, True),
    ("GET", "/v1/entities/{id}"): (f"/v1/entities/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/related/{id}"): (f"/v1/related/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/paths"): (f"/v1/paths?from={HUAXIN}&to={XINHUAXIN}&as_of={AS_OF}", {}, True),
    ("GET", "/v1/graph/{id}"): (f"/v1/graph/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/expand/{id}"): (f"/v1/expand/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/check/{id}"): (f"/v1/check/{LINA}?as_of={AS_OF}", {}, True),
    ("POST", "/v1/check"): ("/v1/check", {"json": {"subjects": [HUAXIN, LINA],
                                                   "as_of": AS_OF}}, True),
    ("GET", "/v1/enterprises/{uscc}/accountable"): (
        f"/v1/enterprises/{HUAXIN}/accountable?as_of={AS_OF}", {}, True),
    ("GET", "/v1/enterprises/{uscc}/owners"): (
        f"/v1/enterprises/{HUAXIN}/owners?as_of={AS_OF}", {}, True),
    ("GET", "/v1/enterprises/{uscc}/group"): (
        f"/v1/enterprises/{HUAXIN}/group?as_of={AS_OF}", {}, False),
    ("GET", "/v1/scores/{uscc}"): (f"/v1/scores/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/alerts"): (f"/v1/alerts?as_of={AS_OF}", {}, True),
    ("GET", "/v1/disclosure"): (f"/v1/disclosure?as_of={AS_OF}", {}, False),
    ("GET", "/v1/viz/ego/{id}"): (f"/v1/viz/ego/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/viz/accountability/{uscc}"): (
        f"/v1/viz/accountability/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/viz/ownership/{uscc}"): (f"/v1/viz/ownership/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/viz/path"): (f"/v1/viz/path?from={HUAXIN}&to={XINHUAXIN}&as_of={AS_OF}", {},
                              True),
    ("GET", "/v1/reports/{id}"): (f"/v1/reports/{HUAXIN}?as_of={AS_OF}", {}, True),
    ("GET", "/v1/exports/{id}"): (f"/v1/exports/{HUAXIN}?format=graphml&as_of={AS_OF}", {},
                                  True),
    ("POST", "/v1/measures/{id}/events"): (
        f"/v1/measures/{MEASURE}/events",
        {"json": {"event": "objection_rejected", "date": "2026-11-01"}}, False),
    ("POST", "/v1/ingest"): ("/v1/ingest", {"files": [
        ("files", ("persons.csv", (EXAMPLE / "persons.csv").read_bytes(), "text/csv"))]},
        False),
    ("GET", "/v1/audit"): ("/v1/audit", {}, False),
    ("GET", "/v1/audit/verify"): ("/v1/audit/verify", {}, False),
    ("POST", "/v1/evaluations"): ("/v1/evaluations", {"json": {"as_of": AS_OF}}, False),
    ("GET", "/v1/evaluations"): ("/v1/evaluations", {}, False),
    ("GET", "/v1/evaluations/{id}"): ("/v1/evaluations/{job}", {}, False),
    ("GET", "/v1/evaluations/{id}/result"): ("/v1/evaluations/{job}/result?format=csv", {},
                                             False),
}


def url_of(api: Api, url: str) -> str:
    """A request's URL, `{job}` replaced by a finished evaluation job (the newest, else a
    new one)."""
    if "{job}" not in url:
        return url
    listed = api.get("/v1/evaluations").json()["evaluations"]
    job = finished(api, listed[0]["id"]) if listed else evaluated(api)
    return url.format(job=job["id"])


def test_every_route_is_in_the_matrix_test(tmp_path: Path) -> None:
    paths = create_app(settings_for(tmp_path)).openapi()["paths"]
    served = {(method.upper(), path) for path, ops in paths.items() for method in ops
              if path.startswith("/v1")}
    assert {(m, p) for m, p, _ in route_scopes()} == served == set(REQUESTS)


@pytest.mark.parametrize("route", sorted(REQUESTS), ids=" ".join)
def test_route_by_role(api: Api, route: tuple[str, str]) -> None:
    scope = next(s for m, p, s in route_scopes() if (m, p) == route)
    url, kwargs, names_persons = REQUESTS[route]
    url = url_of(api, url)
    for role in Role:
        call = api.client.get if route[0] == "GET" else api.client.post
        response = call(url, headers=api.headers(role), **kwargs)
        if not allowed(role, scope):
            assert response.status_code == 403, (role, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            continue
        assert response.status_code in (200, 201, 202), (role, response.text)
        leaked = [p for p in PERSON_IDS if p in response.text]
        if not ROLES[role].reveal_ids:
            assert leaked == [], (role, leaked)
            assert not names_persons or "**********" in response.text
        elif names_persons:
            assert leaked, role


def test_masked_tokens_are_consistent_and_distinct(api: Api) -> None:
    token = token_of(api)
    body = api.get(f"/v1/entities/{token}?as_of={AS_OF}", Role.ANALYST).json()
    assert body["id"] == token
    assert token.startswith("4101**********0429~") and body["properties"]["id_number"] == token
    assert {r["holder"]["id"] for r in body["roles"]} == {token}
    check = api.get(f"/v1/check/{LINA}?as_of={AS_OF}", Role.ANALYST).json()
    assert check["subject"]["id"] == token
    graph = api.get(f"/v1/graph/{HUAXIN}?as_of={AS_OF}", Role.ANALYST).json()
    persons = [n["id"] for n in graph["nodes"] if n["kind"] == "Person"]
    assert token in persons and len(set(persons)) == len(persons) > 1
    assert {e["source"] for e in graph["edges"]} <= {n["id"] for n in graph["nodes"]}


def test_investigator_sees_id_numbers(api: Api) -> None:
    body = api.get(f"/v1/entities/{LINA}?as_of={AS_OF}", Role.INVESTIGATOR).json()
    assert body["id"] == LINA and body["properties"]["id_number"] == LINA


def test_api_doc_shows_the_role_matrix() -> None:
    api_doc = (EXAMPLE.parent.parent / "docs" / "api.md").read_text("utf-8")
    assert role_matrix() in api_doc

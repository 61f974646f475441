"""Bad input never yields a 500: 404, 422 naming the field, 413; batch order and items."""

from __future__ import annotations

import pytest

from credtrace.api.roles import Role
from tests.api.conftest import AS_OF, HUAXIN, LINA, Api


def test_unknown_entity_is_404_problem(api: Api) -> None:
    response = api.get("/v1/entities/NOBODY")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"


@pytest.mark.parametrize("url, field", [
    (f"/v1/entities/{HUAXIN}?as_of=2024-13-01", "as_of"),
    (f"/v1/check/{HUAXIN}?as_of=yesterday", "as_of"),
    (f"/v1/related/{HUAXIN}?hops=9", "hops"),
    (f"/v1/graph/{HUAXIN}?hops=0", "hops"),
    ("/v1/search?q=", "q"),
    (f"/v1/paths?from={HUAXIN}", "to"),
])
def test_invalid_parameters_are_422_naming_the_field(api: Api, url: str, field: str) -> None:
    response = api.get(url)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_hops_beyond_the_service_limit_is_422(api: Api) -> None:
    limit = api.app.state.resources.settings.max_hops
    response = api.get(f"/v1/graph/{HUAXIN}?hops={limit + 1}")
    assert response.status_code == 422 and "hops" in response.json()["detail"]
    assert api.get(f"/v1/graph/{HUAXIN}?hops={limit}").status_code == 200


def test_unknown_scenario_and_kind_are_422(api: Api) -> None:
    assert api.get(f"/v1/check/{HUAXIN}?scenario=astrology").status_code == 422
    assert api.get(f"/v1/related/{HUAXIN}?kinds=friendship").status_code == 422


def test_batch_answers_in_order_with_unknown_subjects_per_item(api: Api) -> None:
    subjects = [LINA, "nobody", HUAXIN, "nobody", LINA]
    response = api.post("/v1/check", Role.SANCTION_SYSTEM,
                        json={"subjects": subjects, "as_of": AS_OF, "scenario": "procurement"})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert response.json()["count"] == len(results) == 5
    assert results[1] == results[3]  # not in the graph: no measure applies, never 404
    assert (results[1]["applies"], results[1]["measures"], results[1]["subject"]["name"]) == (
        False, [], "")
    assert results[2]["subject"]["id"] == HUAXIN and results[2]["applies"] is True
    assert results[0]["subject"]["id"].startswith("4101**") and results[0] == results[4]


def test_batch_above_the_limit_is_413(api: Api) -> None:
    response = api.post("/v1/check", json={"subjects": [HUAXIN] * 1001})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_body_above_the_limit_is_413(api: Api) -> None:
    limit = api.app.state.resources.settings.max_body_bytes
    response = api.client.post("/v1/check", content=b"{" + b" " * limit + b"}",
                        headers={**api.headers(Role.ADMIN), "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_streamed_body_above_the_limit_is_413(api: Api) -> None:
    limit = api.app.state.resources.settings.max_body_bytes
    chunks = iter([b'{"subjects": ["', b"x" * limit, b'"]}'])
    response = api.client.post("/v1/check", content=chunks,
                               headers={**api.headers(Role.ADMIN),
                                        "content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_malformed_json_is_422(api: Api) -> None:
    response = api.client.post("/v1/check", content=b"{not json",
                               headers={**api.headers(Role.ADMIN),
                                        "content-type": "application/json"})
    assert response.status_code == 422


def test_openapi_documents_every_route_with_errors_and_examples(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            success = [op["responses"][s] for s in ("200", "201", "202") if s in op["responses"]]
            assert success, (method, path)
            if path.startswith("/v1"):
                assert {"401", "403", "422", "429"} <= set(op["responses"]), (method, path)
                content = success[0]["content"]
                if "application/json" not in content:  # a page (HTML only) or a file
                    assert list(content) == ["text/html"] or all(
                        c["schema"] == {"type": "string", "format": "binary"}
                        for c in content.values()), (method, path)
                    continue
                schema = content["application/json"]["schema"]
                if "$ref" in schema:
                    schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
                assert content["application/json"].get("example") or schema.get("examples"), \
                    (method, path)
    assert "Problem" in doc["components"]["schemas"]


def test_an_unexpected_failure_is_a_bare_500_problem(api: Api,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/credtrace/queries/entity.py")

    monkeypatch.setattr("credtrace.api.http.routers.explore.search", broken)
    response = api.get("/v1/search?q=华信")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "internals" not in response.text and "Traceback" not in response.text


def test_unknown_routes_and_methods_are_problems(api: Api) -> None:
    missing = api.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    wrong = api.client.delete(f"/v1/entities/{HUAXIN}")
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"]
    assert wrong.headers["content-type"] == "application/problem+json"

"""The workbench over HTTP, on each store: the page and its assets are local (same-origin
policy, vis-network with its licence, nothing from a CDN); the paged expand route follows
the role matrix and masks ID numbers like every answer."""

from __future__ import annotations

import re

from credtrace.api.http.app import route_scopes
from credtrace.api.roles import Role, Scope
from credtrace.viz.ui import FILES
from tests.api.conftest import AS_OF, HUAXIN, LINA, PERSON_IDS, Api


def test_the_page_loads_only_its_own_assets(api: Api) -> None:
    page = api.client.get("/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert loaded and all(url.startswith("/ui/assets/") for url in loaded)
    for url in loaded:
        assert api.client.get(url).status_code == 200, url


def test_assets_are_served_with_their_licence(api: Api) -> None:
    for name in FILES:
        answer = api.client.get(f"/ui/assets/{name}")
        assert answer.status_code == 200, name
    vis = api.client.get("/ui/assets/vis-network-9.1.2.min.js")
    assert vis.headers["content-type"].startswith("text/javascript")
    assert "@version 9.1.2" in vis.text[:400]
    licence = api.client.get("/ui/assets/vis-network-9.1.2.LICENSE.txt").text
    assert "MIT License" in licence and "Almende" in licence
    missing = api.client.get("/ui/assets/..%2Fapp.py")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_the_palette_tells_every_relationship_apart(api: Api) -> None:
    palette = api.client.get("/ui/palette.json").json()
    colours = [rel["colour"] for rel in palette["rels"].values()]
    assert len(colours) == len(set(colours))
    assert palette["rels"]["LEGAL_REPRESENTATIVE"]["colour"] != \
        palette["rels"]["IMPOSED_ON"]["colour"]
    assert palette["measures"]["under_objection"]["label_zh"] == "异议审查中"


def test_expand_is_an_explore_route() -> None:
    assert ("GET", "/v1/expand/{id}", Scope.EXPLORE) in route_scopes()


def test_expand_answers_a_page_and_masks_ids(api: Api) -> None:
    investigator = api.get(f"/v1/expand/{HUAXIN}?kinds=role&as_of={AS_OF}&limit=1",
                           Role.INVESTIGATOR).json()
    assert [n["id"] for n in investigator["nodes"]] == [LINA]
    assert investigator["next_offset"] == 1 and investigator["total"] == 3
    analyst = api.get(f"/v1/expand/{HUAXIN}?kinds=role&as_of={AS_OF}&limit=10", Role.ANALYST)
    assert analyst.status_code == 200
    assert [p for p in PERSON_IDS if p in analyst.text] == []
    assert "李娜" in analyst.text and "~" in analyst.json()["nodes"][0]["id"]


def test_expand_refuses_bad_requests_with_problems(api: Api) -> None:
    assert api.get(f"/v1/expand/{HUAXIN}", None).status_code == 401
    assert api.get(f"/v1/expand/{HUAXIN}", Role.SANCTION_SYSTEM).status_code == 403
    for url, status in ((f"/v1/expand/{HUAXIN}?kinds=friends", 422),
                        (f"/v1/expand/{HUAXIN}?offset=-1", 422),
                        (f"/v1/expand/{HUAXIN}?limit=0", 422),
                        (f"/v1/expand/{HUAXIN}?as_of=2024-13-01", 422),
                        ("/v1/expand/nobody", 404)):
        answer = api.get(url)
        assert answer.status_code == status, url
        assert answer.headers["content-type"] == "application/problem+json"

"""The OpenAPI examples are real answers (`api.http.examples`): computed here on the demo bundle,
they must equal `api/http/examples.json` and what the served document shows.

The bundle's persons get synthetic ID numbers first (same birth date and sex, region
110101) and the answers are read with a key that sees them masked, so the document, served
without a key, names no person of any data set. After a deliberate change of an answer:
``CREDTRACE_WRITE_EXAMPLES=1 pytest tests/api/test_openapi_examples.py`` rewrites the file.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from credtrace.api.http.app import create_app
from credtrace.api.http.examples import FILE, stored
from credtrace.api.roles import Role
from credtrace.graph.memory import MemoryStore
from credtrace.graph.personal import is_citizen_id
from credtrace.ingest import ingest_bundle
from credtrace.ingest.identifiers import make_ric, validate_ric
from credtrace.queries.privacy import written_ids
from tests.api.conftest import AS_OF, HUAXIN, PERSON_IDS, Api, serve, settings_for, token_of
from tests.conftest import EXAMPLE

#: Each example: the route (as the document names it) and the request it answers;
#: ``{lina}`` is 李娜's masked token.
ROUTES: dict[str, tuple[str, str, str]] = {
    "search": ("get", "/v1/search", "/v1/search?q=华信"),
    "entity": ("get", "/v1/entities/{id}", f"/v1/entities/{HUAXIN}?as_of={AS_OF}"),
    "check": ("get", "/v1/check/{id}", f"/v1/check/{{lina}}?scenario=procurement&as_of={AS_OF}"),
    "accountable": ("get", "/v1/enterprises/{uscc}/accountable",
                    f"/v1/enterprises/{HUAXIN}/accountable?as_of={AS_OF}"),
    "owners": ("get", "/v1/enterprises/{uscc}/owners",
               f"/v1/enterprises/{HUAXIN}/owners?as_of={AS_OF}"),
    "group": ("get", "/v1/enterprises/{uscc}/group",
              f"/v1/enterprises/{HUAXIN}/group?as_of={AS_OF}"),
    "score": ("get", "/v1/scores/{uscc}", f"/v1/scores/{HUAXIN}?as_of={AS_OF}"),
    "alerts": ("get", "/v1/alerts", f"/v1/alerts?as_of={AS_OF}&k=1&limit=2"),
    "related": ("get", "/v1/related/{id}", f"/v1/related/{HUAXIN}?as_of={AS_OF}&hops=1"),
    "paths": ("get", "/v1/paths", f"/v1/paths?from={HUAXIN}&to={{lina}}&as_of={AS_OF}&limit=2"),
    "graph": ("get", "/v1/graph/{id}", f"/v1/graph/{HUAXIN}?as_of={AS_OF}&kinds=role"),
    "expand": ("get", "/v1/expand/{id}", f"/v1/expand/{HUAXIN}?as_of={AS_OF}&limit=3"),
    "disclosure": ("get", "/v1/disclosure", f"/v1/disclosure?as_of={AS_OF}"),
    "report": ("get", "/v1/reports/{id}", f"/v1/reports/{HUAXIN}?as_of={AS_OF}&format=json"),
    "export": ("get", "/v1/exports/{id}",
               f"/v1/exports/{HUAXIN}?as_of={AS_OF}&format=json&kinds=role"),
}
BATCH = "check_batch"


def synthetic(person_id: str, index: int) -> str:
    """A made-up key for a person of the bundle: a citizen ID number of the same birth
    date and sex in region 110101, another passport number."""
    if not is_citizen_id(person_id):
        return f"passport:X{index:08d}"
    read = validate_ric(person_id)
    return make_ric(random.Random(index), "110101", read.birth_date, read.sex)


def synthetic_bundle(folder: Path) -> Path:
    """The demo bundle with every person's key replaced (`synthetic`)."""
    keys = {p: synthetic(p, i) for i, p in enumerate(PERSON_IDS)}
    folder.mkdir()
    for source in EXAMPLE.glob("*.csv"):
        text = source.read_text("utf-8")
        for real, made_up in keys.items():
            text = text.replace(real, made_up)
        (folder / source.name).write_text(text, "utf-8")
    return folder


def answers(api: Api) -> dict[str, Any]:
    """Every example, as a role that sees ID numbers masked gets it."""
    lina = token_of(api)
    found: dict[str, Any] = {}
    for name, (_, _, url) in ROUTES.items():
        response = api.get(url.format(lina=lina), Role.ANALYST)
        assert response.status_code == 200, (name, response.text)
        found[name] = response.json()
    request = {"subjects": [HUAXIN, lina, "nobody"], "scenario": "procurement", "as_of": AS_OF}
    response = api.post("/v1/check", Role.ANALYST, json=request)
    assert response.status_code == 200, response.text
    found |= {BATCH: response.json(), f"{BATCH}_request": request}
    return found


class LoadedAt(datetime):
    """The clock of the examples' ingest run (its id is in every provenance)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> LoadedAt:
        return cls(2024, 1, 1, 8, 0, tzinfo=tz)


@pytest.fixture(scope="module")
def examples_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("examples")
    store = MemoryStore()
    with pytest.MonkeyPatch.context() as patch:  # a fixed run id: 20240101T080000-000000
        patch.setattr("credtrace.ingest.pipeline.datetime", LoadedAt)
        patch.setattr("credtrace.ingest.pipeline.uuid.uuid4", lambda: UUID(int=0))
        ingest_bundle(store, synthetic_bundle(folder / "bundle"))
    yield from serve(create_app(settings_for(folder), store=store))


@pytest.fixture(scope="module")
def computed(examples_api: Api) -> dict[str, Any]:
    found = answers(examples_api)
    if os.environ.get("CREDTRACE_WRITE_EXAMPLES"):
        FILE.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return found


def test_the_stored_examples_are_the_answers(computed: dict[str, Any]) -> None:
    assert json.loads(FILE.read_text("utf-8")) == computed, (
        "an answer changed: if on purpose, rewrite api/http/examples.json with "
        "CREDTRACE_WRITE_EXAMPLES=1")


def without_nulls(value: Any) -> Any:
    """`value` as FastAPI writes it in the document (fields whose value is null left out)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def test_the_document_shows_them(computed: dict[str, Any], examples_api: Api) -> None:
    if os.environ.get("CREDTRACE_WRITE_EXAMPLES"):
        pytest.skip("the app read the examples before they were written: run again")
    doc = examples_api.client.get("/openapi.json").json()
    for name, (method, path, _) in ROUTES.items():
        shown = doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]
        assert shown["example"] == without_nulls(computed[name]), name
    batch = doc["paths"]["/v1/check"]["post"]
    assert batch["responses"]["200"]["content"]["application/json"]["example"] == \
        without_nulls(computed[BATCH])
    body = doc["components"]["schemas"]["CheckBatchIn"]
    assert body["examples"] == [without_nulls(computed[f"{BATCH}_request"])]


def test_they_name_no_person(computed: dict[str, Any]) -> None:
    text = json.dumps(stored(), ensure_ascii=False)
    assert written_ids(text) == []  # no citizen ID number, real or synthetic, in clear
    assert [p for p in PERSON_IDS if p in text] == []
    assert "~" in json.dumps(computed["check"]["subject"])  # persons shown as tokens

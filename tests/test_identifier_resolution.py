"""Every identifier a source gave a party resolves to it (issue 11): FtM ids and referents,
BODS record ids and identifiers, registration and tax numbers, the organisation code inside
a USCC; a shared identifier is a 409 with the candidates, never a silent pick. Both
stores; the HTTP route on the memory and Neo4j stores alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.ingest import ingest_path
from credtrace.queries.common import AmbiguousIdentifier, EntityNotFound, resolve
from credtrace.queries.entity import entity
from credtrace.queries.owners import owners
from tests.api.conftest import start
from tests.builders import Bundle
from tests.test_bods import BODS

FTM_FILE = Path(__file__).parent / "data" / "interop" / "ftm" / "yente_t1_entities.ftm.json"
INTER_TOBACCO = "FTM:NK-2GdmHtZTeNXjNVrBGEXZNj"


@pytest.mark.parametrize(("given", "expected"), [
    ("NK-2GdmHtZTeNXjNVrBGEXZNj", INTER_TOBACCO),  # the source's own id
    ("ofac-32733", INTER_TOBACCO),  # a merged (referent) id
    ("FTM:eu-fsf-eu-8282-49", INTER_TOBACCO),
    ("808000714", INTER_TOBACCO),  # its registration number
    ("366510784303", "FTM:NK-2Ka3UvopqbpZmVDFjWd4LA"),  # a person's tax number
    ("ru-inn-366510784303", "FTM:NK-2Ka3UvopqbpZmVDFjWd4LA"),
])
def test_ftm_identifiers_resolve(store: Store, given: str, expected: str) -> None:
    ingest_path(store, FTM_FILE)
    node, resolved_from = resolve(store, given)
    assert node is not None and (node.uid, resolved_from) == (expected, given)
    answer = entity(store, given)
    assert (answer["id"], answer["resolved_from"]) == (expected, given)
    assert entity(store, expected)["resolved_from"] is None  # its own key


def test_bods_record_ids_and_identifiers_resolve(store: Store) -> None:
    ingest_path(store, BODS / "indirect-ownership.json")
    statements = json.loads((BODS / "indirect-ownership.json").read_text())
    company_a = next(s for s in statements if s["recordDetails"].get("name") == "Company A")
    for given in (company_a["recordId"], f"BODS:{company_a['recordId']}", "XE9999",
                  "gb-coh:xe9999"):
        node, _ = resolve(store, given, "Enterprise")
        assert node is not None and node.uid == "GB-COH:XE9999", given
    assert owners(store, company_a["recordId"], as_of="2020-01-01")["enterprise"]["id"] == \
        "GB-COH:XE9999"


def shared_number(tmp_path: Path, store: Store) -> Bundle:
    """Two companies a registry exported with the same old registration number."""
    b = Bundle(seed=31)
    b.enterprise("A", "郑州甲有限公司")
    b.enterprise("B", "郑州乙有限公司")
    b.rows["enterprises"][0]["identifiers"] = "SAMR-REG:410105000012345;TAX:9141000077"
    b.rows["enterprises"][1]["identifiers"] = "SAMR-REG:410105000012345"
    b.load(store, tmp_path / "b")
    return b


def test_a_shared_identifier_is_a_conflict_with_candidates(store: Store,
                                                           tmp_path: Path) -> None:
    b = shared_number(tmp_path, store)
    with pytest.raises(AmbiguousIdentifier) as caught:
        resolve(store, "410105000012345")
    assert [c["id"] for c in caught.value.candidates] == sorted([b.uscc("A"), b.uscc("B")])
    assert caught.value.status == 409
    node, _ = resolve(store, "tax:9141000077")
    assert node is not None and node.uid == b.uscc("A")
    organisation_code = b.uscc("B")[8:17]  # the old number behind a USCC
    assert resolve(store, organisation_code)[0].uid == b.uscc("B")  # type: ignore[union-attr]
    with pytest.raises(EntityNotFound):
        entity(store, "SAMR-REG:999")


def test_the_api_answers_any_identifier_and_409_when_shared(store: Store,
                                                            tmp_path: Path) -> None:
    b = shared_number(tmp_path, store)
    for api in start(store, tmp_path):
        response = api.get(f"/v1/entities/{b.uscc('A')[8:17]}")
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["resolved_from"]) == (
            b.uscc("A"), b.uscc("A")[8:17])
        response = api.get("/v1/enterprises/SAMR-REG:410105000012345/owners")
        assert response.status_code == 409
        body = response.json()
        assert body["title"] == "Identifier shared by several parties"
        assert sorted(c["id"] for c in body["candidates"]) == sorted([b.uscc("A"), b.uscc("B")])
        assert api.get("/v1/entities/SAMR-REG:0").status_code == 404


def test_a_masked_role_cannot_confirm_a_persons_identifier(store: Store, tmp_path: Path) -> None:
    """A person's tax or passport number sent by a masked role is answered like a number
    not in the graph (no existence oracle); a role that sees ID numbers resolves it."""
    from credtrace.api.roles import Role

    ingest_path(store, FTM_FILE)
    api = next(start(store, tmp_path))
    person, unknown = "/v1/entities/366510784303", "/v1/entities/366510784399"
    assert api.get(person, Role.INVESTIGATOR).status_code == 200
    assert api.get(person, Role.ANALYST).status_code == 404
    assert api.get(unknown, Role.ANALYST).status_code == 404
    enterprise = api.get("/v1/entities/808000714", Role.ANALYST)  # not a person: resolves
    assert enterprise.status_code == 200

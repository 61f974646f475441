"""BODS 0.4 import on both stores: the published examples, ranges kept as ranges, declared
indirect figures kept apart from computed ownership, latest statement per record, rejects
with file / statement / field / reason, idempotent reloads, the CLI's format detection."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import Store
from credtrace.graph.records import Edge
from credtrace.ingest import BundleError, detect_format, ingest_path
from credtrace.ingest.bods_schema import WARNING_KIND
from credtrace.ingest.fields import FieldError
from credtrace.ingest.identifiers import make_ric, make_uscc
from credtrace.ingest.tables import shareholding as shareholding_row
from credtrace.queries.ownership import (
    actual_controller,
    controlling_shareholder,
    effective_ownership,
)
from tests.conftest import EXAMPLE

BODS = Path(__file__).parent / "data" / "interop" / "bods"
FTM_FILE = Path(__file__).parent / "data" / "interop" / "ftm" / "yente_t1_entities.ftm.json"
ON = "2020-01-01"

A, B = "GB-COH:XE9999", "GB-COH:XE1010"
PERSON_1 = "BODS:c25d4d612c2c"


def data_counts(store: Store) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if k != "IngestRun"}


def holdings(store: Store) -> dict[tuple[str, str, bool | None], Edge]:
    """Shareholdings by (holder, enterprise, direct)."""
    return {(e.source, e.target, e.props.get("direct")): e for e in store.edges("HOLDS_SHARES")}


def figures(edge: Edge) -> tuple[Any, ...]:
    p = edge.props
    return p.get("percentage"), p.get("pct_min"), p.get("pct_max"), p.get("declared_indirect")


@pytest.mark.parametrize("name", sorted(p.name for p in BODS.glob("*.json")))
def test_every_example_loads(store: Store, name: str) -> None:
    report = ingest_path(store, BODS / name)
    assert (report.status, report.source) == ("succeeded", "bods")
    assert not [r for r in report.rejects if r.kind == WARNING_KIND]  # valid BODS 0.4
    assert report.tables["statements"].read == len(json.loads((BODS / name).read_text()))


def test_indirect_ownership_keeps_the_declared_figure_apart(store: Store) -> None:
    report = ingest_path(store, BODS / "indirect-ownership.json")
    assert report.rejected == 0 and report.warnings == 1  # the person's share in B: unknown
    nodes = store.get_nodes([A, B, PERSON_1])
    assert {k: (n.kind, n.name) for k, n in nodes.items()} == {
        A: ("Enterprise", "Company A"), B: ("Enterprise", "Company B"),  # B is a component
        PERSON_1: ("Person", "Person 1")}
    edges = holdings(store)
    assert set(edges) == {(B, A, True), (PERSON_1, B, None), (PERSON_1, A, False)}
    assert figures(edges[B, A, True]) == (60.0, None, None, None)
    assert figures(edges[PERSON_1, B, None]) == (None, 0.0, 100.0, None)  # unknown share
    assert figures(edges[PERSON_1, A, False]) == (None, None, None, 30.0)  # declared only
    owners = effective_ownership(store, A, ON)
    assert (owners[B].low, owners[B].high, owners[B].declared) == (60.0, 60.0, None)
    person = owners[PERSON_1]
    # computed: 60 % x [0, 100] % along the direct chain; the declared 30 % is not added
    assert (person.low, person.high, person.declared) == (0.0, 60.0, (30.0, 30.0))
    assert [[e.source for e in path] for path in person.paths] == [[PERSON_1, B]]
    control = controlling_shareholder(store, A, ON)
    assert control is not None and (control.holder, control.rule) == (B, "majority")


def test_mixed_direct_and_declared_indirect_are_two_facts(store: Store) -> None:
    ingest_path(store, BODS / "mixed-direct-and-indirect-ownership.json")
    a, b, person = "GB-COH:XE-08-A", "GB-COH:XE-08-B", "BODS:53508b65253f"
    edges = holdings(store)
    assert figures(edges[b, a, True]) == (50.0, None, None, None)
    assert figures(edges[person, a, True]) == (50.0, None, None, None)
    assert edges[person, a, True].start == "2019-05-01"
    assert figures(edges[person, a, False]) == (None, None, None, 50.0)
    before = effective_ownership(store, a, "2018-06-01")[person]
    assert (before.low, before.high, before.declared) == (0.0, 50.0, (50.0, 50.0))
    after = effective_ownership(store, a, ON)[person]
    assert (after.low, after.high, after.declared) == (50.0, 100.0, (50.0, 50.0))


def test_multiple_indirect_ownership(store: Store) -> None:
    ingest_path(store, BODS / "multiple-indirect-ownership.json")
    b, person = "UA-EDR:UA-XE-02", "BODS:92ebf964a1f6"
    assert store.counts()["HOLDS_SHARES"] == 5
    owner = effective_ownership(store, b, ON)[person]
    assert (owner.low, owner.high, owner.declared) == (0.0, 100.0, (60.0, 60.0))
    assert len(owner.paths) == 2  # through Company C and through Company D


def test_share_range_is_kept_as_a_range(store: Store) -> None:
    ingest_path(store, BODS / "bods-package-entity-owning-entity.json")
    jenex, mvj = "GB-COH:03209885", "GB-COH:08150312"
    (edge,) = store.edges("HOLDS_SHARES")
    assert (edge.source, edge.target) == (mvj, jenex)
    assert figures(edge) == (None, 75.0, 100.0, None)  # minimum 75, exclusiveMaximum 100
    owner = effective_ownership(store, jenex, ON)[mvj]
    assert (owner.low, owner.high) == (75.0, 100.0)
    assert store.get_node(jenex).props["established"] == "1996-06-10"


def test_joint_ownership_through_an_arrangement(store: Store) -> None:
    ingest_path(store, BODS / "joint-ownership.json")
    chrinon, joint = "GB-COH:07444723", "BODS:91b4236a7d89"
    nodes = store.get_nodes([chrinon, joint])
    assert nodes[joint].props["kind"] == "other_organisation"
    assert nodes[chrinon].props["address"].startswith("Aston House")
    owners = effective_ownership(store, chrinon, ON)
    assert {k: (o.low, o.high) for k, o in owners.items()} == {
        joint: (100.0, 100.0), "BODS:1accb8b18b99": (50.0, 50.0),
        "BODS:f040df24d9ec": (50.0, 50.0)}


def test_nomination_gives_the_board_seat_to_the_nominee(store: Store) -> None:
    report = ingest_path(store, BODS / "nomination.json")
    company, silvia, vanessa = "MX-RFC:CPL211105123", "BODS:101AB1984F", "BODS:102AB1984E"
    assert report.rejected == 0 and report.warnings == 3
    (director,) = store.edges("DIRECTOR")
    assert (director.source, director.target, director.start) == (vanessa, company,
                                                                    "2023-04-30")
    answer = actual_controller(store, company, "2024-01-01")
    assert answer.declared and answer.controller is not None
    assert answer.controller.uid == silvia
    assert store.get_node("BODS:103AB1984D").props["kind"] == "other_organisation"


def test_trust_controllers_and_anonymous_beneficiary(store: Store) -> None:
    report = ingest_path(store, BODS / "levent.json")
    trust = "BODS:8e40d059"
    controllers = sorted((e.source, e.start) for e in store.edges("ACTUAL_CONTROLLER"))
    # Bella is settlor and trustee from the same day: one declared controller edge
    assert controllers == [("BODS:700c264e", "2019-08-11"), ("BODS:d8855000", "2019-11-08")]
    (beneficiary,) = store.edges("HOLDS_SHARES")
    assert (beneficiary.target, figures(beneficiary)) == (trust, (None, 0.0, 100.0, None))
    anonymous = store.get_node("BODS:81337a6e")
    assert "interestedPartyExemptFromDisclosure" in anonymous.name
    assert report.warnings == 2


def test_unspecified_interested_party_is_refused_with_its_reason(store: Store) -> None:
    report = ingest_path(store, BODS / "listed-company-exempt-from-disclosure.json")
    assert data_counts(store)["Enterprise"] == 1
    links = {k: v for k, v in data_counts(store).items() if k.isupper() and v}
    assert links == {"HAS_IDENTIFIER": 3}  # its record id and identifiers; no other link
    (reject,) = report.rejects
    assert (reject.file, reject.line, reject.field, reject.value) == (
        "listed-company-exempt-from-disclosure.json", 2, "recordDetails.interestedParty",
        "subjectExemptFromDisclosure")
    assert "unspecified" in reject.reason and "stock exchange" in reject.reason


def test_reloading_every_example_changes_nothing(store: Store) -> None:
    for path in sorted(BODS.glob("*.json")):
        ingest_path(store, path)
    before = data_counts(store)
    for path in sorted(BODS.glob("*.json")):
        report = ingest_path(store, path)
        assert (report.writes.created, report.writes.updated) == (0, 0), path.name
    assert data_counts(store) == before
    assert store.counts()["IngestRun"] == 2 * len(list(BODS.glob("*.json")))


def test_malformed_statements_are_refused_and_the_rest_loads(store: Store,
                                                             tmp_path: Path) -> None:
    statements = json.loads((BODS / "indirect-ownership.json").read_text())
    statements[3]["recordDetails"]["interests"][0]["share"]["exact"] = 150
    del statements[2]["recordId"]  # the person: its relationships cannot resolve
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(statements), "utf-8")
    report = ingest_path(store, path)
    found = {(r.line, r.field): r.reason for r in report.rejects if r.severity == "error"}
    assert found == {
        (3, "recordId"): '"recordId" is a required property',  # the BODS 0.4 schema's words
        (4, "recordDetails.interests[0].share.exact"): "150 is greater than the maximum of 100",
        (5, "recordDetails.interestedParty"): found[5, "recordDetails.interestedParty"],
        (6, "recordDetails.interestedParty"): found[6, "recordDetails.interestedParty"],
    }
    assert "refers to no entity or person statement" in found[5, "recordDetails.interestedParty"]
    assert {r.file for r in report.rejects} == {"broken.json"}
    assert (data_counts(store)["Enterprise"], data_counts(store)["HOLDS_SHARES"]) == (2, 0)


def statement(record_id: str, record_type: str, day: str, details: dict[str, Any],
              status: str = "new") -> dict[str, Any]:
    """A valid BODS 0.4 statement (the schema wants 32–64 character statement ids)."""
    return {"statementId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{record_id}/{day}")),
            "declarationSubject": "co", "recordId": record_id, "recordType": record_type,
            "recordStatus": status, "statementDate": day,
            "recordDetails": {"isComponent": False, **details}}


def shareholding(share: float, start: str = "2020-01-01") -> dict[str, Any]:
    return {"subject": "co", "interestedParty": "p", "interests": [{
        "type": "shareholding", "directOrIndirect": "direct", "share": {"exact": share},
        "startDate": start}]}


def write_lines(path: Path, lines: list[Any]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines),
                    "utf-8")
    return path


def chinese_parties() -> tuple[str, str, list[dict[str, Any]]]:
    rng = random.Random(7)
    uscc, ric = make_uscc(rng, "410105"), make_ric(rng, "410105", date(1985, 3, 1), "female")
    return uscc, ric, [
        statement("co", "entity", "2020-01-01", {
            "entityType": {"type": "registeredEntity"}, "name": "郑州某公司",
            "identifiers": [{"scheme": "GB-COH", "id": "X1"}, {"scheme": "CN-SAMR", "id": uscc}]}),
        statement("p", "person", "2020-01-01", {
            "personType": "knownPerson", "names": [{"fullName": "王芳"}],
            "identifiers": [{"scheme": "CHN-IDCARD", "id": ric}]}),
    ]


def share_on(store: Store, uscc: str, ric: str, day: str) -> float | None:
    """王芳's direct share in the company on `day` (valid time), None when she holds none."""
    held = [e for e in store.adjacent([uscc], ["HOLDS_SHARES"], "in", day) if e.source == ric]
    assert len(held) <= 1, held
    return held[0].props["percentage"] if held else None


def test_statement_series_is_valid_time(store: Store, tmp_path: Path) -> None:
    """new 40 % → updated 45 % (same start: from its statement date) → updated 60 % with a
    back-dated start (from that start) → closed, its exit recorded ten days late."""
    uscc, ric, parties = chinese_parties()
    path = write_lines(tmp_path / "series.jsonl", [
        *parties,
        statement("r1", "relationship", "2021-06-01", shareholding(45), "updated"),
        "",
        "{not json",
        statement("r1", "relationship", "2020-01-05", shareholding(40)),
        statement("r1", "relationship", "2022-01-20", shareholding(60, "2022-01-01"),
                  "updated"),
        statement("r1", "relationship", "2023-03-20", {**shareholding(60, "2022-01-01"),
                  "interests": [{"type": "shareholding", "directOrIndirect": "direct",
                                 "share": {"exact": 60}, "startDate": "2022-01-01",
                                 "endDate": "2023-03-10"}]}, "closed"),
    ])
    report = ingest_path(store, path)
    assert [(r.line, r.field) for r in report.rejects] == [(5, "(json)")]  # real line numbers
    assert report.tables["statements"].read == 7 and report.rejected == 1
    assert store.get_node(ric).props["id_type"] == "ric"
    expected = {"2019-12-31": None, "2020-01-01": 40.0, "2021-05-31": 40.0,
                "2021-06-01": 45.0, "2021-12-31": 45.0, "2022-01-01": 60.0,
                "2023-03-09": 60.0, "2023-03-10": None}
    assert {day: share_on(store, uscc, ric, day) for day in expected} == expected
    controls = {day: controlling_shareholder(store, uscc, day)
                for day in ("2021-03-01", "2022-06-01", "2023-06-01")}
    assert {day: c and (c.holder, c.share, c.rule) for day, c in controls.items()} == {
        "2021-03-01": (ric, 40.0, "largest"), "2022-06-01": (ric, 60.0, "majority"),
        "2023-06-01": None}
    again = ingest_path(store, path)
    assert (again.writes.created, again.writes.updated) == (0, 0)


def test_a_series_across_records_and_a_one_day_interest(store: Store, tmp_path: Path) -> None:
    uscc, ric, parties = chinese_parties()
    one_day = shareholding(10, "2020-03-01")
    one_day["interests"][0]["endDate"] = "2020-03-01"  # valid BODS: held on that day
    path = write_lines(tmp_path / "one-day.jsonl", [
        *parties, statement("r2", "relationship", "2020-03-02", one_day)])
    report = ingest_path(store, path)
    assert report.rejected == 0
    assert [share_on(store, uscc, ric, d) for d in ("2020-02-29", "2020-03-01", "2020-03-02")
            ] == [None, 10.0, None]


def test_own_content_is_judged_before_references(store: Store, tmp_path: Path) -> None:
    _, _, parties = chinese_parties()
    broken = shareholding(45)
    broken["interestedParty"] = "nobody"
    broken["interests"][0]["endDate"] = "2019-13-01"
    unborn = statement("q", "person", "2020-01-01", {
        "personType": "knownPerson", "names": [{"fullName": "未来人"}], "birthDate": "2099-01-01"})
    path = write_lines(tmp_path / "broken.jsonl", [
        *parties,
        statement("r3", "relationship", "2020-02-01", broken),
        unborn,
        {**statement("r4", "relationship", "2020-02-01", shareholding(5)),
         "statementId": parties[0]["statementId"]},
        statement("r5", "relationship", "2099-02-01", shareholding(5)),
    ])
    report = ingest_path(store, path)
    found = {(r.line, r.field): r.reason for r in report.rejects}
    assert found == {
        (3, "recordDetails.interests[0].endDate"): "impossible date (month must be in 1..12)",
        (4, "recordDetails.birthDate"): "not a possible birth date",
        (5, "statementId"): "duplicate of the statement at line 1",
        (6, "statementDate"): "in the future",
    }


def test_the_bods_schema_refuses_what_cannot_be_read(store: Store, tmp_path: Path) -> None:
    """Checked against the BODS 0.4 JSON schema before references: a wrong type, a code
    outside a codelist or a missing key refuses the statement, naming its JSON path and
    the schema's reason; what credtrace can still read loads, flagged."""
    uscc, ric, parties = chinese_parties()
    untyped = {**statement("r6", "relationship", "2020-02-01", shareholding(5)),
               "recordType": 7}
    owner = shareholding(30)
    owner["interests"][0]["type"] = "owner"
    no_subject = shareholding(20)
    del no_subject["subject"]
    sloppy = {**statement("r9", "relationship", "2020-02-01", shareholding(51)),
              "statementId": "r9"}
    del sloppy["declarationSubject"]
    path = write_lines(tmp_path / "schema.jsonl", [
        *parties, untyped,
        statement("r7", "relationship", "2020-02-01", owner),
        statement("r8", "relationship", "2020-02-01", no_subject),
        sloppy])
    report = ingest_path(store, path)
    refused = {(r.line, r.field): r.reason for r in report.rejects if r.severity == "error"}
    assert refused == {
        (3, "recordType"): '7 is not of type "string"',
        (4, "recordDetails.interests[0].type"): refused[4, "recordDetails.interests[0].type"],
        (5, "recordDetails.subject"): '"subject" is a required property',
    }
    assert refused[4, "recordDetails.interests[0].type"].startswith('"owner" is not one of')
    flagged = {(r.line, r.field): r.reason for r in report.rejects if r.severity == "warning"}
    assert flagged == {
        (6, "statementId"): 'not BODS 0.4: "r9" is shorter than 32 characters',
        (6, "declarationSubject"): 'not BODS 0.4: "declarationSubject" is a required property',
    }
    assert report.by_kind["warning: not BODS 0.4"] == 2
    assert share_on(store, uscc, ric, "2020-03-01") == 51.0  # the flagged statement loaded


def test_format_detection_and_the_cli(tmp_path: Path) -> None:
    assert detect_format(EXAMPLE) == "bundle"
    assert detect_format(BODS / "levent.json") == "bods"
    assert detect_format(FTM_FILE) == "ftm"
    with pytest.raises(BundleError):
        detect_format(EXAMPLE / "persons.csv")
    runner = CliRunner()
    store = f"memory:{tmp_path / 'data'}"
    result = runner.invoke(app, ["ingest", str(BODS / "joint-ownership.json"), "--store", store,
                                 "--rejects", str(tmp_path / "r.csv"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["source"] == "bods"
    result = runner.invoke(app, ["ingest", str(FTM_FILE), "--store", store, "--format", "ftm",
                                 "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 0 and "entities" in result.output
    result = runner.invoke(app, ["ingest", str(FTM_FILE), "--store", store, "--format", "xml"])
    assert result.exit_code == 1


def test_the_canonical_table_keeps_declared_indirect_figures_apart() -> None:
    row = {"enterprise": A, "holder": PERSON_1, "holder_kind": "person", "start": "2017-11-01"}
    declared = shareholding_row({**row, "direct": "false", "declared_indirect": "30"})
    direct = shareholding_row({**row, "direct": "true", "percentage": "30"})
    assert declared.key != direct.key  # two facts about the same parties and day
    with pytest.raises(FieldError, match="declared figure, not a link"):
        shareholding_row({**row, "direct": "false", "percentage": "30"})
    with pytest.raises(FieldError, match="needs direct=false"):
        shareholding_row({**row, "declared_indirect": "30"})

"""FollowTheMoney import on both stores: the yente example, and a small file with every
mapped schema (companies, persons, directorships, ownerships, sanctions) and the refused
ones (unmodelled schemata, bad lines); family and unknown links, passports."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

from credtrace.graph import Store
from credtrace.ingest import ingest_path
from credtrace.ingest.identifiers import make_ric, make_uscc
from credtrace.queries.common import resolve
from credtrace.queries.measures import measures_on

FTM_FILE = Path(__file__).parent / "data" / "interop" / "ftm" / "yente_t1_entities.ftm.json"
COUNTED = ("Enterprise", "Person", "DIRECTOR", "MANAGER", "HOLDS_SHARES", "Measure",
           "IMPOSED_ON")


def counts(store: Store) -> dict[str, int]:
    every = store.counts()
    return {k: every[k] for k in COUNTED}


def entity(ident: str, schema: str, **props: Any) -> dict[str, Any]:
    values = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": ident, "schema": schema, "properties": values}


def test_yente_example(store: Store) -> None:
    report = ingest_path(store, FTM_FILE)
    assert (report.status, report.source, report.rejected) == ("succeeded", "ftm", 0)
    assert report.tables["entities"].read == 7  # and one Address, not a party
    assert counts(store) == {"Enterprise": 2, "Person": 4, "DIRECTOR": 0, "MANAGER": 0,
                             "HOLDS_SHARES": 0, "Measure": 0, "IMPOSED_ON": 0}
    irgc = store.get_node("FTM:NK-2PacmNpiLUmoz4XD2mSt7A")
    assert irgc is not None and irgc.props["kind"] == "other_organisation"
    assert irgc.name == "IRGC"
    warned = {r.field for r in report.rejects}
    assert warned == {"properties.addressEntity"}  # address entities not in the file


def small_file(path: Path) -> tuple[Path, str, str]:
    rng = random.Random(3)
    uscc, ric = make_uscc(rng, "410105"), make_ric(rng, "410105", date(1979, 5, 4), "male")
    lines: list[Any] = [
        entity("co", "Company", name="郑州甲公司", registrationNumber=uscc,
               addressEntity="addr", incorporationDate="2012-05-01"),
        entity("holding", "Organization", name="Holding Org", incorporationDate="1999"),
        entity("addr", "Address", full="郑州市金水区文化路1号"),
        entity("p1", "Person", name="张伟", idNumber=ric),
        {**entity("p2", "Person", name="Olga Petrova"), "referents": ["old-p2"]},
        entity("d1", "Directorship", director="p1", organization="co", role="General Director",
               startDate="2019-03-01", endDate="2021-06-30"),
        entity("d2", "Directorship", director="old-p2", organization="co", role="Director",
               startDate="2019"),
        entity("d3", "Directorship", director="holding", organization="co"),
        entity("o1", "Ownership", owner="holding", asset="co", percentage="60"),
        entity("o2", "Ownership", owner="p2", asset="holding"),
        entity("o3", "Ownership", owner="p1", asset="co", percentage="150"),
        entity("s1", "Sanction", entity="co", authority="Council of the European Union",
               program="EU restrictive measures", reason="support to the regime",
               startDate="2022-06-03"),
        entity("s2", "Sanction", entity="p2", authority="World Bank",
               program="World Bank debarment", startDate="2020-01-15",
               endDate="2023-01-15"),
        entity("f1", "Family", person="p1", relative="p2", relationship="spouse"),
        entity("v1", "Vessel", name="MV Example"),
        "{broken",
        entity("pp1", "Passport", holder="old-p2", number="E1234567", country="ru"),
        entity("u1", "UnknownLink", subject="p2", object="co", role="nominee director"),
    ]
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)
                              for x in lines), "utf-8")
    return path, uscc, ric


def test_every_mapped_schema(store: Store, tmp_path: Path) -> None:
    path, uscc, ric = small_file(tmp_path / "small.ftm.json")
    report = ingest_path(store, path)
    assert counts(store) == {"Enterprise": 2, "Person": 2, "DIRECTOR": 1, "MANAGER": 1,
                             "HOLDS_SHARES": 2, "Measure": 2, "IMPOSED_ON": 2}
    errors = {(r.line, r.field): r.reason for r in report.rejects if r.severity == "error"}
    assert set(errors) == {(8, "properties.director"), (11, "percentage"), (15, "schema"),
                           (16, "(json)")}
    (spouse,) = store.edges("FAMILY")  # Olga Petrova is the spouse of the ric holder
    assert (spouse.source, spouse.target, spouse.props["relation"]) == (ric, "FTM:p2", "spouse")
    (link,) = store.edges("ASSOCIATE")
    assert (link.source, link.target, link.props["relation"]) == ("FTM:p2", uscc, "unknown_link")
    assert resolve(store, "PASSPORT:E1234567")[0].uid == "FTM:p2"  # type: ignore[union-attr]
    assert resolve(store, "E1234567")[0].uid == "FTM:p2"  # type: ignore[union-attr]
    assert errors[11, "percentage"] == "percentage must be between 0 and 100"
    assert errors[8, "properties.director"] == "refers to an enterprise; expected a person"
    company = store.get_node(uscc)  # keyed by its valid USCC, not FTM:co
    assert company is not None and company.props["address"] == "郑州市金水区文化路1号"
    assert store.get_node(ric).props["id_type"] == "ric"
    (manager,) = store.edges("MANAGER")
    assert (manager.source, manager.target, manager.start, manager.end) == (
        ric, uscc, "2019-03-01", "2021-06-30")
    (director,) = store.edges("DIRECTOR")  # through the referent old-p2
    assert (director.source, director.start) == ("FTM:p2", None)  # "2019": start unknown
    shares = {(e.source, e.target): (e.props.get("percentage"), e.props.get("pct_min"),
                                     e.props.get("pct_max")) for e in store.edges("HOLDS_SHARES")}
    assert shares == {("FTM:holding", uscc): (60.0, None, None),
                      ("FTM:p2", "FTM:holding"): (None, 0.0, 100.0)}
    (eu,) = measures_on(store, uscc)  # the sanction's subject resolves to the company
    assert (eu.uid, eu.props["kind"], eu.props["start"]) == ("FTM:s1", "joint_punishment",
                                                               "2022-06-03")
    assert eu.props["authority"] == "Council of the European Union"
    assert eu.props["legal_basis"] == "EU restrictive measures; support to the regime"
    (debarment,) = measures_on(store, "FTM:p2")
    assert (debarment.props["kind"], debarment.props["end"]) == ("procurement_exclusion",
                                                                 "2023-01-15")
    warnings = {(r.line, r.field) for r in report.rejects if r.severity == "warning"}
    assert warnings == {(2, "properties.incorporationDate"), (7, "properties.startDate"),
                        (10, "properties.percentage"),
                        (18, "properties.role")}  # "nominee director": loaded as unknown_link


def test_reload_changes_nothing(store: Store, tmp_path: Path) -> None:
    path, _, _ = small_file(tmp_path / "small.ftm.json")
    ingest_path(store, path)
    ingest_path(store, FTM_FILE)
    before = {k: v for k, v in store.counts().items() if k != "IngestRun"}
    for source in (path, FTM_FILE):
        report = ingest_path(store, source)
        assert (report.writes.created, report.writes.updated) == (0, 0)
    assert {k: v for k, v in store.counts().items() if k != "IngestRun"} == before
    assert store.counts()["IngestRun"] == 4

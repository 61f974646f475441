import csv
import statistics
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from credtrace.ingest.catalogue import read_catalogue
from credtrace.ingest.generate import COLUMNS, generate_bundle
from credtrace.ingest.identifiers import validate_ric, validate_uscc

N, SEED, END = 300, 7, date(2026, 11, 1)
SAMPLE_DATES = [date(year, 6, 30).isoformat() for year in range(2010, 2027)]
Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    calls: list[int] = []
    counts = generate_bundle(out, N, SEED, progress=calls.append)
    assert calls == [N]
    assert counts == {f"{name}.csv": len(read(out, name)) for name in COLUMNS}
    return out


def read(folder: Path, name: str) -> Rows:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == COLUMNS[name]
        return list(reader)


def valid_at(row: dict[str, str], day: str) -> bool:
    return (not row["start"] or row["start"] <= day) and (not row["end"] or day < row["end"])



def test_deterministic(bundle: Path, tmp_path: Path) -> None:
    generate_bundle(tmp_path / "same", N, SEED)
    generate_bundle(tmp_path / "other", N, SEED + 1)
    for name in COLUMNS:
        file = f"{name}.csv"
        assert (tmp_path / "same" / file).read_bytes() == (bundle / file).read_bytes()
    assert (tmp_path / "other" / "enterprises.csv").read_bytes() != (
        bundle / "enterprises.csv").read_bytes()


def test_identifiers_validate(bundle: Path) -> None:
    enterprises, persons = read(bundle, "enterprises"), read(bundle, "persons")
    assert len(enterprises) == N and 1.5 * N <= len(persons) <= 3 * N
    assert all(validate_uscc(e["uscc"]) == e["uscc"] for e in enterprises)
    assert len({e["uscc"] for e in enterprises}) == N
    assert len({p["person_id"] for p in persons}) == len(persons)
    for p in persons:
        if p["id_type"] == "ric":
            assert validate_ric(p["person_id"], today=END).value == p["person_id"]
        else:
            assert p["id_type"] == "passport" and p["person_id"].startswith("passport:")


def test_references_resolve_and_keys_unique(bundle: Path) -> None:
    usccs = {e["uscc"] for e in read(bundle, "enterprises")}
    persons = {p["person_id"] for p in read(bundle, "persons")}
    roles, holdings = read(bundle, "roles"), read(bundle, "shareholdings")
    measures = read(bundle, "measures")
    assert all(r["enterprise"] in usccs and r["person"] in persons for r in roles)
    assert all(h["enterprise"] in usccs for h in holdings)
    assert all(h["holder"] in (usccs if h["holder_kind"] == "enterprise" else persons)
               for h in holdings)
    assert all(m["subject"] in (usccs if m["subject_kind"] == "enterprise" else persons)
               for m in measures)
    ids = {m["measure_id"] for m in measures}
    assert all(e["measure_id"] in ids for e in read(bundle, "measure_events"))
    role_keys = Counter((r["enterprise"], r["person"], r["role"], r["start"]) for r in roles)
    assert max(role_keys.values()) == 1
    holding_keys = Counter((h["enterprise"], h["holder"], h["start"]) for h in holdings)
    assert max(holding_keys.values()) == 1
    unknown = sum(not r["start"] for r in roles)
    assert 0 < unknown < 0.1 * len(roles)


def test_one_representative_at_a_time(bundle: Path) -> None:
    enterprises = read(bundle, "enterprises")
    by_enterprise: dict[str, Rows] = defaultdict(list)
    for r in read(bundle, "roles"):
        by_enterprise[r["enterprise"]].append(r)
    changes = 0
    for e in enterprises:
        role = "legal_representative" if e["kind"] in ("company", "cooperative") else "principal"
        chain = [r for r in by_enterprise[e["uscc"]] if r["role"] == role]
        changes += len(chain) - 1
        for day in [*SAMPLE_DATES, e["established"]]:
            if day >= e["established"]:
                assert sum(valid_at(r, day) for r in chain) == 1, (e["uscc"], day)
    assert changes > 0


def test_holders_at_most_100_percent(bundle: Path) -> None:
    by_enterprise: dict[str, Rows] = defaultdict(list)
    for h in read(bundle, "shareholdings"):
        assert 0 < float(h["percentage"]) <= 100
        assert len(h["percentage"].partition(".")[2]) <= 2
        by_enterprise[h["enterprise"]].append(h)
    changed = 0
    for rows in by_enterprise.values():
        changed += any(r["end"] for r in rows)
        for day in [*SAMPLE_DATES, *(r["start"] for r in rows)]:
            assert sum(float(r["percentage"]) for r in rows if valid_at(r, day)) <= 100 + 1e-9
    assert changed > 0


def test_groups_and_cycles(bundle: Path) -> None:
    graph = nx.DiGraph()
    for h in read(bundle, "shareholdings"):
        if h["holder_kind"] == "enterprise":
            graph.add_edge(h["holder"], h["enterprise"])
    assert nx.dag_longest_path_length(nx.condensation(graph)) >= 2  # multi-level
    assert next(nx.simple_cycles(graph), None) is not None


def test_evasion_shell(bundle: Path) -> None:
    reaching = {k for k, props in read_catalogue().items() if props["reaches_persons"]}
    established = {e["uscc"]: e["established"] for e in read(bundle, "enterprises")}
    roles, holdings = read(bundle, "roles"), read(bundle, "shareholdings")
    founders = {(r["person"], r["enterprise"]) for r in roles if r["role"] ==
                "legal_representative" and r["start"] == established[r["enterprise"]]}
    founders |= {(h["holder"], h["enterprise"]) for h in holdings if float(h["percentage"]) > 50}
    shells = 0
    for m in read(bundle, "measures"):
        if m["subject_kind"] != "enterprise" or m["kind"] not in reaching:
            continue
        reached = {r["person"] for r in roles if r["enterprise"] == m["subject"]
                   and r["role"] in ("legal_representative", "principal")
                   and valid_at(r, m["conduct_date"])}
        shells += sum(1 for person, uscc in founders
                      if person in reached and established[uscc] > m["start"])
    assert shells >= 1


def test_heavy_tailed_roles(bundle: Path) -> None:
    per_person = Counter(r["person"] for r in read(bundle, "roles"))
    assert max(per_person.values()) >= 5 * statistics.median(per_person.values())
    assert {r["role"] for r in read(bundle, "roles")} >= {
        "legal_representative", "principal", "director", "supervisor", "manager"}


def test_measures_consistent(bundle: Path) -> None:
    kinds = set(read_catalogue())
    events: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in read(bundle, "measure_events"):
        events[e["measure_id"]].append((e["date"], e["event"]))
    measures = read(bundle, "measures")
    sanctioned = {m["subject"] for m in measures if m["subject_kind"] == "enterprise"}
    assert 0.01 * N <= len(sanctioned) <= 0.08 * N
    assert any(m["subject_kind"] == "person" for m in measures)
    for m in measures:
        assert m["kind"] in kinds and m["authority"] and m["legal_basis"].startswith("《")
        assert m["conduct_date"] < m["start"] <= END.isoformat()
        if m["end"]:
            years = date.fromisoformat(m["end"]).year - date.fromisoformat(m["start"]).year
            assert 1 <= years <= 5
        trail = events[m["measure_id"]]
        assert trail == sorted(trail) and all(m["start"] < day <= END.isoformat()
                                              for day, _ in trail)
        names = [name for _, name in trail]
        if "objection_upheld" in names or "objection_rejected" in names:
            assert names[0] == "objection_filed"
        assert m["status"] == expected_status(m, names)


def expected_status(measure: dict[str, str], names: list[str]) -> str:
    if names and names[-1] in ("repaired", "exited"):
        return names[-1]
    if "objection_upheld" in names:
        return "exited"
    if measure["end"] and measure["end"] <= END.isoformat():
        return "expired"
    return "under_objection" if names == ["objection_filed"] else "active"


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="three years"):
        generate_bundle(tmp_path, 10, 1, start_year=2025)
    with pytest.raises(ValueError, match="negative"):
        generate_bundle(tmp_path, -1, 1)

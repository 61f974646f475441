"""`search` and `entity` on both stores: Chinese partial names, code prefixes, both
directions of roles and holdings, measure states on a date, versions after a correction."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.queries.common import EntityNotFound, InvalidInput
from credtrace.queries.entity import entity, search
from tests.builders import Bundle


def small() -> Bundle:
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司")
    b.enterprise("H", "郑州华信控股有限公司")
    b.person("p", "李娜")
    b.role("A", "p", "legal_representative", "2016-04-12", "2021-06-15")
    b.role("H", "p", "director")
    b.holds("H", "A", 60, "2016-04-12")
    b.holds("p", "H", 100, "2015-01-01")
    b.measure("M-1", "A", "joint_punishment", conduct="2021-06-15", start="2021-09-01")
    b.event("M-1", "repaired", "2023-08-01")
    return b


def test_search_by_chinese_part_of_a_name_and_by_code(store: Store, tmp_path: Path) -> None:
    b = small()
    b.load(store, tmp_path)
    names = [r["name"] for r in search(store, "华信")["results"]]
    assert sorted(names) == ["郑州华信商贸有限公司", "郑州华信控股有限公司"]
    by_code = search(store, b.uscc("A")[:10].lower())["results"]
    assert b.uscc("A") in [r["id"] for r in by_code]
    exact = search(store, b.uscc("A"))["results"][0]
    assert (exact["id"], exact["match"]) == (b.uscc("A"), "key")
    assert search(store, "李")["results"][0]["kind"] == "Person"
    assert search(store, "华信", limit=1)["count"] == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 101])
def test_search_refuses_empty_or_long_text(store: Store, text: str) -> None:
    with pytest.raises(InvalidInput):
        search(store, text)


def test_entity_both_directions_and_measure_states(store: Store, tmp_path: Path) -> None:
    b = small()
    b.load(store, tmp_path)
    person = entity(store, b.ric("p"), as_of="2022-01-01")
    assert [(r["enterprise"]["name"], r["role"], r["validity"]) for r in person["roles"]] == [
        ("郑州华信控股有限公司", "director", "uncertain"),
        ("郑州华信商贸有限公司", "legal_representative", "no")]
    assert "start date unknown" in person["roles"][0]["reason"]
    assert [(h["enterprise"]["name"], h["percentage"]) for h in person["shareholdings"]] == [
        ("郑州华信控股有限公司", 100.0)]
    company = entity(store, b.uscc("A"), as_of="2022-01-01")
    assert [r["holder"]["name"] for r in company["roles"]] == ["李娜"]
    assert [h["holder"]["name"] for h in company["shareholdings"]] == ["郑州华信控股有限公司"]
    (measure,) = company["measures"]
    assert (measure["id"], measure["state"]["status"]) == ("M-1", "active")
    assert entity(store, b.uscc("A"), as_of="2024-01-01")["measures"][0]["state"]["status"] \
        == "repaired"
    assert company["provenance"]["file"] == "enterprises.csv"
    assert company["history"]["count"] == 1


def test_a_correction_is_a_new_version(store: Store, tmp_path: Path) -> None:
    b = small()
    b.load(store, tmp_path / "first")
    b.rows["enterprises"][0]["status"] = "revoked"
    b.load(store, tmp_path / "second")
    history = entity(store, b.uscc("A"))["history"]
    assert history["count"] == 2
    assert history["versions"][1]["changed"] == ["status"]
    assert history["versions"][0]["run_id"] != history["versions"][1]["run_id"]


def test_entity_unknown_or_not_a_party(store: Store, tmp_path: Path) -> None:
    small().load(store, tmp_path)
    for key in ("nobody", "M-1"):
        with pytest.raises(EntityNotFound):
            entity(store, key)

"""Sector and severity rules of the repair orders (issue 15): Order No. 58's one-year
minimum for food, drugs, special equipment, work safety and fire penalties, chosen by the
measure's sector (行业/领域, the registries' words mapped as data); Order No. 36's minor
class (in principle not published, at most 3 months). Both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.ingest.catalogue import CatalogueError, parse_catalogue
from credtrace.ingest.events import record_event
from credtrace.queries.check import check
from credtrace.queries.entity import entity
from tests.builders import Bundle

HEADER = "kind,reaches_persons,roles,scenarios,valid_from,valid_to,sectors\n"


def penalty(decided: str, sector: str = "", kind: str = "administrative_penalty") -> Bundle:
    """郑州华信商贸 under a penalty of 郑州市消防救援支队 decided on `decided`."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.measure("M1", "A", kind, conduct=decided, start=decided,
              authority="郑州市消防救援支队", sector=sector)
    return b


def window(store: Store, b: Bundle, as_of: str) -> tuple[str | None, str | None, str]:
    (shown,) = entity(store, b.uscc("A"), as_of=as_of)["measures"]
    state = shown["state"]
    return state["repair_from"], state["ends_by_itself"], state["rule"]


@pytest.mark.parametrize(("sector", "decided", "repair_from", "ends", "basis"), [
    ("消防", "2025-06-10", "2026-06-10", "2028-06-10", "消防领域行政处罚信息最短公示期一年"),
    ("特种设备", "2026-03-31", "2027-03-31", "2029-03-31", "最短公示期一年"),
    ("安全生产", "2024-02-29", "2025-02-28", "2027-02-28", "最短公示期一年"),
    ("", "2025-06-10", "2025-09-10", "2028-06-10", "最短公示3个月"),
    ("渔业", "2025-06-10", "2025-09-10", "2028-06-10", "最短公示3个月"),  # unknown: general
    ("消防", "2026-04-01", "2026-07-01", "2027-04-01", "2025年第36号"),  # Order 36: no sector rule
])
def test_order_58_sets_one_year_for_fire_special_equipment_and_work_safety(
        store: Store, tmp_path: Path, sector: str, decided: str, repair_from: str, ends: str,
        basis: str) -> None:
    b = penalty(decided, sector)
    b.load(store, tmp_path)
    got_from, got_ends, rule = window(store, b, "2026-05-01")
    assert (got_from, got_ends) == (repair_from, ends)
    assert basis in rule


def test_the_sector_is_stored_as_a_code_and_an_unknown_word_is_kept(
        store: Store, tmp_path: Path) -> None:
    b = penalty("2025-06-10", "消防安全")
    b.measure("M2", "A", "administrative_penalty", conduct="2025-05-20", start="2025-06-10",
              sector="渔业")
    report = b.load(store, tmp_path)
    assert [store.get_node(m).props.get("sector") for m in ("M1", "M2")] == ["fire", "渔业"]
    (warning,) = report.rejects
    assert (warning.severity, warning.file, warning.line, warning.field, warning.value) == \
        ("warning", "measures.csv", 3, "sector", "渔业")
    assert "one-year minimum may be missed" in warning.reason


def test_a_fire_penalty_repair_is_refused_before_one_year_then_accepted(
        store: Store, tmp_path: Path) -> None:
    b = penalty("2025-06-10", "消防")
    b.load(store, tmp_path)
    (reject,) = record_event(store, "M1", "repaired", "2025-09-10").rejects
    assert "possible from 2026-06-10" in reject.reason and "消防" in reject.reason
    assert record_event(store, "M1", "repaired", "2026-06-10").rejected == 0
    assert check(store, b.uscc("A"), as_of="2026-06-10")["measures"] == []


@pytest.mark.parametrize(("decided", "repair_from", "last", "ends", "basis"), [
    ("2026-04-01", "2026-04-01", "2026-06-30", "2026-07-01", "轻微失信信息原则上不予公示"),
    ("2026-03-31", "2026-06-30", "2029-03-30", "2029-03-31", "第58号"),  # no minor class yet
])
def test_order_36_minor_information_is_repairable_at_once_and_ends_within_3_months(
        store: Store, tmp_path: Path, decided: str, repair_from: str, last: str, ends: str,
        basis: str) -> None:
    b = penalty(decided, kind="minor_administrative_penalty")
    b.load(store, tmp_path)
    got_from, got_ends, rule = window(store, b, "2026-05-01")
    assert (got_from, got_ends) == (repair_from, ends) and basis in rule
    assert check(store, b.uscc("A"), as_of=last)["applies"]
    assert check(store, b.uscc("A"), as_of=ends)["measures"] == []


def test_a_minor_repair_on_the_decision_day_is_accepted(store: Store, tmp_path: Path) -> None:
    b = penalty("2026-04-01", kind="minor_administrative_penalty")
    b.load(store, tmp_path)
    assert record_event(store, "M1", "repaired", "2026-04-01").rejected == 0
    (shown,) = entity(store, b.uscc("A"), as_of="2026-04-02")["measures"]
    assert shown["state"]["status"] == "repaired"


def test_catalogue_sectors_are_checked_and_grouped_for_overlap() -> None:
    with pytest.raises(CatalogueError, match="line 2: sectors='渔业': not in"):
        parse_catalogue(HEADER + "k,false,,,2023-05-01,,渔业\n")
    with pytest.raises(CatalogueError, match="valid_from"):
        parse_catalogue(HEADER + "k,false,,,2023-05-01,,消防\nk,false,,,2024-01-01,,fire\n")
    kinds = parse_catalogue(HEADER + "k,false,,,2023-05-01,,消防;特种设备\n"
                                     "k,false,,,2023-05-01,,\n")
    assert kinds["k"]["versions"].count('"sectors": ["fire", "special_equipment"]') == 1

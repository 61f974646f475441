"""Publication windows and repair (issue 15): Order No. 58 for decisions before
2026-04-01, Order No. 36 from then; repair refused before the minimum, publication ending
by itself at the maximum; derived measures follow their source. Both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.ingest.events import record_event
from credtrace.queries.check import check
from credtrace.queries.entity import entity
from credtrace.viz.views import ego_picture
from tests.builders import Bundle


def penalised(kind: str, decided: str) -> Bundle:
    """郑州华信商贸 (legal representative 李娜) under a `kind` measure decided on `decided`."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.person("李娜", "李娜")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    b.measure("M1", "A", kind, conduct="2026-01-15", start=decided)
    return b


@pytest.mark.parametrize(("decided", "repair_from", "ends"), [
    ("2026-03-31", "2026-06-30", "2029-03-31"),  # Order No. 58: 3 months to 3 years
    ("2026-04-01", "2026-07-01", "2027-04-01"),  # Order No. 36, general: 3 months to 1 year
])
def test_the_window_follows_the_order_in_force_on_the_decision_date(
        store: Store, tmp_path: Path, decided: str, repair_from: str, ends: str) -> None:
    b = penalised("administrative_penalty", decided)
    b.load(store, tmp_path)
    (item,) = check(store, b.uscc("A"), as_of="2026-05-01")["measures"]
    assert (item["state"]["repair_from"], item["state"]["ends_by_itself"]) == (repair_from, ends)
    (shown,) = entity(store, b.uscc("A"), as_of="2026-05-01")["measures"]
    assert (shown["state"]["repair_from"], shown["state"]["ends_by_itself"]) == \
        (repair_from, ends)
    order = "第58号" if decided < "2026-04-01" else "2025年第36号"
    assert order in item["state"]["rule"] and order in shown["state"]["rule"]


def test_a_repair_is_refused_before_the_minimum_then_accepted(store: Store,
                                                              tmp_path: Path) -> None:
    b = penalised("administrative_penalty", "2026-04-01")
    b.load(store, tmp_path)
    early = record_event(store, "M1", "repaired", "2026-06-30")
    assert early.rejected == 1
    (reject,) = early.rejects
    assert (reject.field, reject.value) == ("date", "2026-06-30")
    assert "possible from 2026-07-01" in reject.reason and "第36号" in reject.reason
    assert check(store, b.uscc("A"), as_of="2026-08-01")["applies"]
    assert record_event(store, "M1", "repaired", "2026-07-01").rejected == 0
    answer = check(store, b.uscc("A"), as_of="2026-07-01")
    assert answer["measures"] == []
    (shown,) = entity(store, b.uscc("A"), as_of="2026-07-01")["measures"]
    assert (shown["state"]["status"], shown["state"]["ended_on"]) == ("repaired", "2026-07-01")


def test_an_early_repair_loaded_from_a_bundle_is_flagged_not_effective(
        store: Store, tmp_path: Path) -> None:
    b = penalised("administrative_penalty", "2026-04-01")
    b.event("M1", "repaired", "2026-05-01")
    b.load(store, tmp_path)
    (item,) = check(store, b.uscc("A"), as_of="2026-06-01")["measures"]
    assert item["state"]["status"] == "active"
    assert item["state"]["reason"] == \
        "repair on 2026-05-01 not effective: possible from 2026-07-01"


def test_publication_ends_by_itself_at_the_maximum(store: Store, tmp_path: Path) -> None:
    b = penalised("administrative_penalty", "2026-04-01")
    b.load(store, tmp_path)
    assert check(store, b.uscc("A"), as_of="2027-03-31")["applies"]
    assert check(store, b.uscc("A"), as_of="2027-04-01")["measures"] == []
    (shown,) = entity(store, b.uscc("A"), as_of="2027-04-01")["measures"]
    assert (shown["state"]["status"], shown["state"]["ended_on"]) == ("expired", "2027-04-01")
    assert "ended by itself on 2027-04-01" in shown["state"]["reason"]


def test_a_derived_measure_follows_its_source_window(store: Store, tmp_path: Path) -> None:
    b = penalised("joint_punishment", "2026-04-01")  # Order No. 36, serious: 1 to 3 years
    b.load(store, tmp_path)
    (item,) = check(store, b.ric("李娜"), as_of="2029-03-31")["measures"]
    assert item["derived"] and (item["state"]["repair_from"], item["state"]["ends_by_itself"]) \
        == ("2027-04-01", "2029-04-01")
    assert check(store, b.ric("李娜"), as_of="2029-04-01")["measures"] == []
    refused = record_event(store, "M1", "repaired", "2027-03-31")
    assert refused.rejected == 1 and "possible from 2027-04-01" in refused.rejects[0].reason


def test_the_network_page_shows_both_dates_of_a_measure(store: Store, tmp_path: Path) -> None:
    b = penalised("administrative_penalty", "2026-04-01")
    b.load(store, tmp_path)
    picture = ego_picture(store, b.uscc("A"), as_of="2026-05-01")
    details = dict(picture.nodes["M1"].details)
    assert (details["可申请修复日"], details["自动终止公示日"]) == ("2026-07-01", "2027-04-01")

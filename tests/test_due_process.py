"""Due-process integrity: the rules an event keeps, on both load paths (bundle and API) and
both stores. The example's measures: ZZ-2021-JP-0001 on 郑州华信 from 2021-09-01, objection
filed 2026-10-20 and open; ZZ-2020-JR-0003 objection filed 2021-02-01, upheld 2021-04-01;
ZZ-2022-XG-0002 repaired 2023-08-01."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from credtrace.ingest.due_process import DueProcess
from credtrace.ingest.events import record_event
from tests.conftest import EXAMPLE

JP, JR, XG = "ZZ-2021-JP-0001", "ZZ-2020-JR-0003", "ZZ-2022-XG-0002"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def loaded(store: Store) -> Store:
    assert ingest_bundle(store, EXAMPLE).rejected == 0
    return store


@pytest.mark.parametrize(("measure", "event", "day", "reason"), [
    (JP, "repaired", "0001-01-01", "dated before the measure's start 2021-09-01"),
    (JP, "repaired", "9999-12-31", "dated after today"),
    (JP, "exited", TOMORROW, "dated after today"),
    (JP, "objection_rejected", "2026-10-01",
     "objection_rejected answers no open objection filed on or before 2026-10-01"),
    (JP, "objection_filed", "2026-11-01", "an objection filed 2026-10-20 is still open"),
    (JR, "objection_upheld", "2021-05-01",
     "the measure already ended: objection_upheld on 2021-04-01"),
    (XG, "repaired", "2023-09-01", "the measure already ended: repaired on 2023-08-01"),
    (XG, "exited", "2023-09-01", "the measure already ended: repaired on 2023-08-01"),
    (XG, "objection_filed", "2023-09-01", "the measure already ended: repaired on 2023-08-01"),
])
def test_an_event_that_breaks_the_rules_is_refused(loaded: Store, measure: str, event: str,
                                                   day: str, reason: str) -> None:
    report = record_event(loaded, measure, event, day)
    assert report.rejected == 1 and report.writes.created == 0
    assert report.rejects[0].reason.startswith(reason), report.rejects[0].reason


def test_legal_events_and_repeats_are_admitted(loaded: Store) -> None:
    assert record_event(loaded, JP, "objection_rejected", "2026-11-01").rejected == 0
    assert record_event(loaded, JP, "objection_filed", "2026-11-15").rejected == 0
    assert record_event(loaded, JP, "objection_upheld", "2026-11-20").rejected == 0
    again = record_event(loaded, JP, "objection_upheld", "2026-11-20")  # the same event
    assert again.rejected == 0 and again.writes.created == 0
    assert record_event(loaded, JP, "repaired", "2026-11-25").rejected == 1  # ended


def test_the_bundle_path_keeps_the_same_rules(store: Store, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, bundle)
    events = bundle / "measure_events.csv"
    events.write_text(events.read_text("utf-8").rstrip("\n") + "\n" + "\n".join([
        f"{JP},objection_rejected,2026-10-01,早于异议",       # line 6: before its filing
        f"{JP},objection_rejected,2026-10-25,驳回",           # line 7: answers line 5
        f"{JP},repaired,0001-01-01,",                        # line 8
        f"{XG},repaired,2023-09-01,又一次修复",               # line 9: second repair
        f"{JP},exited,{TOMORROW},",                          # line 10
    ]) + "\n", "utf-8")
    report = ingest_bundle(store, bundle)
    refused = {(r.line, r.field): r.reason for r in report.rejects if r.severity == "error"}
    assert set(refused) == {(6, "date"), (8, "date"), (9, "date"), (10, "date")}
    assert report.tables["measure_events"].loaded == 5
    assert refused[(9, "date")] == "the measure already ended: repaired on 2023-08-01"


def test_events_within_one_run_are_judged_in_order() -> None:
    guard = DueProcess(None, today="2024-06-30")
    guard.learn_measure("M1", "2024-01-01")
    assert guard.judge("M1", "objection_filed", "2024-02-01") is None
    assert guard.judge("M1", "objection_upheld", "2024-01-31") is not None  # before filing
    assert guard.judge("M1", "objection_upheld", "2024-03-01") is None
    assert guard.judge("M1", "objection_upheld", "2024-03-01") is None  # the same again
    assert guard.judge("M1", "exited", "2024-04-01") == (
        "the measure already ended: objection_upheld on 2024-03-01")

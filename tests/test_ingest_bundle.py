"""Bundle ingestion on both stores: validation with clear rejects, idempotent reloads,
corrections that keep history, runs that die half-way and are rerun."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.graph.store import history_of
from credtrace.ingest import BundleError, ingest_bundle
from tests.builders import Bundle
from tests.conftest import EXAMPLE

CHANGING = {"IngestRun"}  # every run adds its own record


def data_counts(store: Store) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if k not in CHANGING}


def append_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_example_loads_and_reload_changes_nothing(store: Store) -> None:
    first = ingest_bundle(store, EXAMPLE)
    assert first.status == "succeeded" and first.rejected == 0
    assert first.warnings == 0  # region codes newer than the birth year are normal
    before = data_counts(store)
    assert (before["Enterprise"], before["Person"], before["HOLDS_SHARES"]) == (8, 11, 14)
    second = ingest_bundle(store, EXAMPLE)
    assert (second.writes.created, second.writes.updated) == (0, 0)
    assert data_counts(store) == before
    assert store.counts()["IngestRun"] == 2


def test_bad_rows_are_rejected_with_file_line_field_and_reason(store: Store,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, folder)
    append_rows(folder / "enterprises.csv", [
        ["914101057123456729", "校验码错误公司", "company", "active", "", "", "", ""],
        ["91410105MA4JURQ20A", "日期错误公司", "company", "active", "2021-02-30", "", "", ""],
    ])
    append_rows(folder / "persons.csv", [["410105198001011550", "错号", "ric"]])
    append_rows(folder / "roles.csv", [
        ["914101057123456728", "410105198207070429", "保洁员", "2020-01-01", ""],
        ["914101057123456728", "410105198207070429", "director", "2021-01-01", "2020-01-01"],
        ["914101057123456728", "110101199003070079", "director", "2021-01-01", ""],
    ])
    append_rows(folder / "shareholdings.csv", [
        ["914101035123456194", "410105198207070429", "person", "5", "2020-01-01", ""],
        ["914101057123456728", "410183198106060288", "person", "120", "", ""],
    ])
    append_rows(folder / "measure_events.csv", [["ZZ-NOPE", "repaired", "2023-01-01", ""]])
    report = ingest_bundle(store, folder, rejects_path=tmp_path / "rejects.csv")
    got = {(r.file, r.line, r.field): r.reason for r in report.rejects if r.severity == "error"}
    assert "expected" in got[("enterprises.csv", 10, "uscc")]
    assert "impossible date" in got[("enterprises.csv", 11, "established")]
    assert "check digit" in got[("persons.csv", 13, "person_id")]
    assert "unknown role title" in got[("roles.csv", 18, "role")]
    assert "end must be after start" in got[("roles.csv", 19, "end")]
    assert "exists nowhere" in got[("roles.csv", 20, "person")]
    flagged = {(r.file, r.line, r.field): r.reason for r in report.rejects
               if r.severity == "warning"}  # loaded, flagged with the lines involved
    assert "total 105%" in flagged[("shareholdings.csv", 16, "percentage")]
    assert "shareholdings.csv:16" in flagged[("shareholdings.csv", 16, "percentage")]
    assert "between 0 and 100" in got[("shareholdings.csv", 17, "percentage")]
    assert "exists nowhere" in got[("measure_events.csv", 6, "measure_id")]
    assert report.rejected == 8
    assert report.tables["enterprises"].loaded == 8  # the good rows still load
    with open(tmp_path / "rejects.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(r["severity"] == "error" for r in rows) == 8
    assert {"file", "line", "field", "value", "reason"} <= set(rows[0])


def test_correction_updates_and_keeps_previous_version(store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "甲公司")
    b.person("zhang", "张伟")
    b.role("A", "zhang", "legal_representative", "2019-03-01")
    b.load(store, tmp_path / "v1")
    b.rows["roles"][0]["end"] = "2021-06-30"
    report = b.load(store, tmp_path / "v2")
    assert (report.writes.created, report.writes.updated) == (0, 1)
    (edge,) = store.adjacent([b.key("A")], ["LEGAL_REPRESENTATIVE"], "in")
    assert edge.end == "2021-06-30"
    (previous,) = history_of(edge.props)
    assert previous.get("end") is None and previous["run_id"] != edge.props["run_id"]
    assert store.counts()["LEGAL_REPRESENTATIVE"] == 1


def test_not_a_bundle_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="not a credtrace bundle"):
        ingest_bundle(store, tmp_path)
    (tmp_path / "persons.csv").write_bytes(b"person_id,name\n" + "张三".encode("gbk"))
    with pytest.raises(BundleError, match="persons.csv: not UTF-8"):
        ingest_bundle(store, tmp_path)
    (tmp_path / "persons.csv").write_text("id,name\n1,张三\n", encoding="utf-8")
    with pytest.raises(BundleError, match="persons.csv: line 1: missing column"):
        ingest_bundle(store, tmp_path)


def test_a_run_that_dies_half_way_can_be_rerun_to_the_same_counts(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = Bundle(seed=5)
    for i in range(12):
        b.enterprise(f"E{i}", f"测试{i}号有限公司")
        b.person(f"p{i}", f"王{i}")
        b.role(f"E{i}", f"p{i}", "legal_representative", "2020-01-01")
    folder = b.write(tmp_path / "b")
    write_batch, calls = store.write_batch, []

    def dies_on_second_role_batch(label: str, rows: list, *, edges: bool) -> object:  # type: ignore[type-arg]
        if label == "LEGAL_REPRESENTATIVE":
            calls.append(len(rows))
            if len(calls) > 1:
                raise ConnectionError("server went away")
        return write_batch(label, rows, edges=edges)

    with monkeypatch.context() as patch:
        patch.setattr(store, "write_batch", dies_on_second_role_batch)
        with pytest.raises(ConnectionError):
            ingest_bundle(store, folder, batch_rows=5)
    assert [r.props["status"] for r in store.nodes("IngestRun")] == ["failed"]
    assert store.counts()["LEGAL_REPRESENTATIVE"] == 5  # whole batches only
    report = ingest_bundle(store, folder, batch_rows=5)
    assert report.status == "succeeded"
    assert store.counts()["LEGAL_REPRESENTATIVE"] == 12
    assert data_counts(store)["Enterprise"] == 12


def test_overlapping_legal_representatives_load_with_a_warning(store: Store,
                                                               tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("A", "甲公司")
    b.person("zhang", "张伟")
    b.person("li", "李娜")
    b.role("A", "zhang", "legal_representative", "2019-01-01", "2021-06-15")
    b.role("A", "li", "legal_representative", "2021-06-01")
    report = ingest_bundle(store, b.write(tmp_path))
    (warning,) = [r for r in report.rejects if r.file == "roles.csv"]
    assert (warning.file, warning.line, warning.field) == ("roles.csv", 3, "start")
    assert "two legal representatives" in warning.reason and "2021-06-01" in warning.reason
    assert report.rejected == 0 and store.counts()["LEGAL_REPRESENTATIVE"] == 2

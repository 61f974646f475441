"""The API refuses a repair before the minimum publication period (issue 15) with the
date repair becomes possible, and shows the publication window with the measure; the
disclosure report is an analyse route, person subjects masked for masking roles."""

from __future__ import annotations

from pathlib import Path

from credtrace.api.roles import Role
from credtrace.graph import Store
from tests.api.conftest import start
from tests.test_law_disclosure import DECIDED, decisions
from tests.test_law_publication import penalised


def test_an_early_repair_is_a_422_naming_the_date_then_accepted(store: Store,
                                                                tmp_path: Path) -> None:
    b = penalised("administrative_penalty", "2026-04-01")
    b.load(store, tmp_path / "bundle")
    for api in start(store, tmp_path):
        early = api.post("/v1/measures/M1/events", json={"event": "repaired",
                                                          "date": "2026-06-30"})
        assert early.status_code == 422, early.text
        assert "repair possible from 2026-07-01" in early.text
        check = api.get(f"/v1/check/{b.uscc('A')}?as_of=2026-06-30").json()
        (item,) = check["measures"]
        assert (item["state"]["repair_from"], item["state"]["ends_by_itself"]) == \
            ("2026-07-01", "2027-04-01")
        late = api.post("/v1/measures/M1/events", json={"event": "repaired",
                                                         "date": "2026-07-01"})
        assert late.status_code == 201, late.text


def test_the_disclosure_route_answers_both_deadlines_and_masks_persons(
        store: Store, tmp_path: Path) -> None:
    b = decisions()
    b.person("王强", "王强")
    b.measure("P9", "王强", "administrative_penalty", conduct="2026-01-05", start=DECIDED,
              published="2026-02-27")
    b.load(store, tmp_path / "bundle")
    person = b.keys["王强"]
    url = ("/v1/disclosure?as_of=2026-03-20&from=2026-02-01&to=2026-02-28"
           "&authority=郑州市市场监督管理局&limit=3")
    for api in start(store, tmp_path):
        answer = api.get(url, role=Role.INVESTIGATOR).json()
        assert [(r["measure"], r["within_workdays"], r["status"])
                for r in answer["decisions"]] == [
            ("L1", 7, "late"), ("P1", 7, "on_time"), ("P9", 7, "on_time")]
        assert answer["by_deadline"] == {"7": 3, "20": 2} and answer["truncated"] == 2
        assert answer["decisions"][2]["subject"] == person
        masked = api.get(url, role=Role.ANALYST).text
        assert person not in masked and "P9" in masked
        assert api.get(url, role=Role.SANCTION_SYSTEM).status_code == 403
        bad = api.get("/v1/disclosure?from=2026-13-01")
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"

"""The API refuses a repair before the minimum publication period (issue 15) with the
date repair becomes possible, and shows the publication window with the measure."""

from __future__ import annotations

from pathlib import Path

from graph import Store
from tests.api.conftest import start
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

"""Rule versions as data (issue 15): the catalogue version in force on a measure's
decision date applies, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.graph import Store
from credtrace.ingest import data as ingest_data
from credtrace.ingest import ingest_bundle
from credtrace.ingest.catalogue import CatalogueError, parse_catalogue
from credtrace.queries.accountability import accountable
from credtrace.queries.common import catalogue
from tests.builders import Bundle

HEADER = "kind,reaches_persons,roles,scenarios,valid_from,valid_to\n"


def restricted(decided: str) -> Bundle:
    """郑州华信商贸 (legal representative 李娜, declared actual controller 王强 since 2012)
    under a high-consumption restriction decided on `decided`."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2012-03-01")
    b.person("李娜", "李娜")
    b.person("王强", "王强")
    b.role("A", "李娜", "legal_representative", "2012-03-01")
    b.role("A", "王强", "actual_controller", "2012-03-01")
    b.measure("M1", "A", "high_consumption_restriction", conduct="2015-06-01", start=decided)
    return b


@pytest.mark.parametrize(("decided", "reached"), [
    ("2015-07-21", ["李娜"]),          # 法释〔2010〕8号: no actual controller
    ("2015-07-22", ["李娜", "王强"]),  # 法释〔2015〕17号 in force: the actual controller too
])
def test_the_2015_amendment_adds_the_actual_controller_by_decision_date(
        store: Store, tmp_path: Path, decided: str, reached: list[str]) -> None:
    b = restricted(decided)
    b.load(store, tmp_path)
    answer = accountable(store, b.uscc("A"), as_of="2016-01-01")
    assert sorted(p["name"] for p in answer["reached"]) == reached
    basis = answer["reached"][0]["evidence"][0]
    assert basis["kind"] == "high_consumption_restriction"


def test_the_loaded_catalogue_keeps_every_version_with_its_source(store: Store,
                                                                  tmp_path: Path) -> None:
    restricted("2016-01-01").load(store, tmp_path)
    kind = catalogue(store)["high_consumption_restriction"]
    old, new = kind.on("2015-07-21"), kind.on("2015-07-22")
    assert (old.valid_to, new.valid_from) == ("2015-07-22", "2015-07-22")
    assert "法释〔2010〕8号" in (old.legal_basis or "")
    assert "法释〔2015〕17号" in (new.legal_basis or "") and "第三条" in (new.legal_basis or "")
    assert "actual_controller" not in old.roles and "actual_controller" in new.roles
    penalty = catalogue(store)["administrative_penalty"]
    assert (penalty.on("2026-03-31").publication_max_months,
            penalty.on("2026-04-01").publication_max_months) == (36, 12)


def test_overlapping_versions_are_refused_with_file_line_and_field() -> None:
    text = HEADER + ("k,true,legal_representative,travel,2010-01-01,2016-01-01\n"
                     "k,true,principal,travel,2015-07-22,\n")
    with pytest.raises(CatalogueError, match=r"bundle.csv: line 3: field valid_from: k: "
                                             r"version from 2015-07-22 overlaps"):
        parse_catalogue(text, "bundle.csv")


def test_a_catalogue_without_version_columns_is_one_version_always_in_force() -> None:
    props = parse_catalogue(HEADER + "k,false,,travel,,\n")["k"]
    assert props["scenarios"] == ["travel"] and '"valid_from": null' in props["versions"]


def test_a_kind_dated_by_conduct_reads_the_rules_of_the_conduct_date(
        store: Store, tmp_path: Path) -> None:
    b = restricted("2015-08-01")  # conduct 2015-06-01, before the 2015 amendment
    folder = b.write(tmp_path)
    shipped = (Path(ingest_data.__file__).parent / "measure_kinds.csv").read_text("utf-8")
    header, *rows = shipped.splitlines()
    (folder / "measure_kinds.csv").write_text("\n".join(
        [header + ",dated_by",
         *(row + ",conduct" for row in rows if row.startswith("high_consumption"))]) + "\n",
        "utf-8")
    assert ingest_bundle(store, folder).rejected == 0
    answer = accountable(store, b.uscc("A"), as_of="2016-01-01")
    assert [p["name"] for p in answer["reached"]] == ["李娜"]

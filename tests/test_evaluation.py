"""The city-wide evaluation run: every enterprise graded in key order, the change since
the previous run and why, a content hash that depends on the data and the date only, and
the files of `credtrace evaluate`; its rows are the `score` answers, read a chunk at a time."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import MemoryStore, Reader, Store
from credtrace.graph.model import Label
from credtrace.graph.reads import Direction, Plan
from credtrace.graph.records import Edge, Node
from credtrace.graph.view import Prefetched, gather
from credtrace.ingest import ingest_bundle
from credtrace.ingest.realistic import generate_realistic
from credtrace.queries import check, evaluation, score
from credtrace.queries.evaluation import Evaluation, evaluated
from tests.builders import Bundle
from tests.conftest import EXAMPLE

#: The date the generated graphs are evaluated on (their measures run around it).
GENERATED_ON = "2026-11-01"


def city() -> Bundle:
    """华信 under a joint-punishment listing from 2024-01-01 (repaired 2024-06-01); its legal
    representative 李娜 also represents 新华信 (exposed through her); 管城 is clean."""
    b = Bundle()
    b.enterprise("A", "郑州华信商贸有限公司", established="2016-04-12")
    b.enterprise("B", "郑州新华信贸易有限公司", established="2018-03-01")
    b.enterprise("C", "郑州管城餐饮管理有限公司", established="2015-05-20")
    b.person("李娜", "李娜")
    b.person("王强", "王强")
    b.role("A", "李娜", "legal_representative", "2016-04-12")
    b.role("B", "李娜", "legal_representative", "2018-03-01")
    b.role("C", "王强", "legal_representative", "2015-05-20")
    b.measure("M1", "A", "joint_punishment", conduct="2023-06-15", start="2024-01-01")
    b.event("M1", "repaired", "2024-06-01")
    return b


def test_every_enterprise_graded_with_the_change_since_the_previous_run(
        store: Store, tmp_path: Path) -> None:
    b = city()
    b.load(store, tmp_path)
    first = Evaluation(store, as_of="2024-01-01")
    rows = list(first.rows())
    assert [r["uscc"] for r in rows] == sorted(b.uscc(x) for x in "ABC")
    by_name = {r["name"]: r for r in rows}
    # an active joint punishment caps the grade at D (issue 15's grade caps)
    assert (by_name["郑州华信商贸有限公司"]["grade"], by_name["郑州华信商贸有限公司"]["score"]) \
        == ("D", 59.99)
    exposed = by_name["郑州新华信贸易有限公司"]
    assert (exposed["grade"], exposed["score"]) == ("B", 85.0)
    assert "李娜" in exposed["main"][0]
    assert by_name["郑州管城餐饮管理有限公司"]["grade"] == "A"
    assert {r["change"]["direction"] for r in rows} == {"new"}
    assert first.grades == {"A": 1, "B": 1, "D": 1}

    later = Evaluation(store, as_of="2024-07-01", previous=rows)
    moved = {r["name"]: r["change"] for r in later.rows()}
    repaired = moved["郑州华信商贸有限公司"]
    assert (repaired["direction"], repaired["previous_grade"]) == ("up", "D")
    assert repaired["why"] and repaired["why"][0].startswith("changed own M1")
    assert moved["郑州新华信贸易有限公司"]["direction"] == "up"
    assert moved["郑州新华信贸易有限公司"]["why"][0].startswith("gone exposure M1")
    assert moved["郑州管城餐饮管理有限公司"] == {
        "direction": "same", "previous_grade": "A", "previous_score": 100.0,
        "score_delta": 0.0, "why": []}
    assert later.changes == {"up": 2, "same": 1} and later.gone == []


def test_the_content_hash_depends_on_data_and_date_only(store: Store, tmp_path: Path) -> None:
    city().load(store, tmp_path)

    def hashed(day: str) -> str:
        run = Evaluation(store, as_of=day)
        list(run.rows())
        return run.content_hash

    once = Evaluation(store, as_of="2024-01-01")
    rows = list(once.rows())
    again = Evaluation(store, as_of="2024-01-01", previous=rows)
    list(again.rows())
    assert again.content_hash == once.content_hash == hashed("2024-01-01")
    assert hashed("2024-07-01") != once.content_hash


def test_enterprises_gone_since_the_previous_run_are_named(store: Store, tmp_path: Path) -> None:
    b = city()
    b.load(store, tmp_path)
    first = list(Evaluation(store, as_of="2024-01-01").rows())
    ghosts = [{**first[0], "uscc": "0" * 18}, *first, {**first[-1], "uscc": "Z" * 18}]
    run = Evaluation(store, as_of="2024-01-01", previous=ghosts)
    assert [r["change"]["direction"] for r in run.rows()] == ["same"] * 3
    assert run.gone == ["0" * 18, "Z" * 18]


def test_cli_writes_jsonl_csv_xlsx_and_the_run_record(tmp_path: Path) -> None:
    spec = f"memory:{tmp_path / 'data'}"
    runner = CliRunner()
    bundle = city().write(tmp_path / "bundle")
    assert runner.invoke(app, ["ingest", str(bundle), "--store", spec, "--json"]).exit_code == 0

    def evaluate(day: str, out: str, *extra: str) -> dict:
        result = runner.invoke(app, ["evaluate", "--as-of", day, "--store", spec,
                                     "--out", str(tmp_path / out), *extra])
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / out / "run.json").read_text(encoding="utf-8"))

    first = evaluate("2024-01-01", "jan")
    assert (first["enterprises"], first["grades"]) == (3, {"A": 1, "B": 1, "D": 1})
    second = evaluate("2024-07-01", "jul", "--previous", str(tmp_path / "jan"))
    assert second["changes"] == {"same": 1, "up": 2}
    assert second["previous_content_hash"] == first["content_hash"]
    assert evaluate("2024-01-01", "jan2")["content_hash"] == first["content_hash"]
    with (tmp_path / "jul" / "evaluation.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert (tmp_path / "jul" / "evaluation.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    huaxin = next(r for r in table if r["name"] == "郑州华信商贸有限公司")
    assert (huaxin["grade"], huaxin["change"], huaxin["previous_grade"]) == ("A", "up", "D")
    assert "M1" in huaxin["why"]
    sheet = load_workbook(tmp_path / "jul" / "evaluation.xlsx", read_only=True).worksheets[0]
    values = list(sheet.values)
    assert values[0][:4] == ("uscc", "name", "score", "grade") and len(values) == 4
    assert {v[1] for v in values[1:]} == {r["name"] for r in table}
    bad = runner.invoke(app, ["evaluate", "--store", spec, "--out", str(tmp_path / "x"),
                              "--previous", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2 and "no earlier run" in bad.output


# --- the rows are the score answers ------------------------------------------------------

def rows_are_scores(store: Reader, day: str, keys: Sequence[str] | None = None) -> list[dict]:
    """The run's rows (without the comparison), checked equal to `score` of each enterprise
    on its own, in key order."""
    rows = [{k: v for k, v in row.items() if k != "change"}
            for row in Evaluation(store, as_of=day, keys=keys).rows()]
    expected = [evaluated(score.score(store, uscc, as_of=day))
                for uscc in (keys if keys is not None else store.uids(Label.ENTERPRISE))]
    assert [r["uscc"] for r in rows] == [r["uscc"] for r in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row == want, row["uscc"]
    return rows


@pytest.fixture(scope="module")
def realistic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 enterprises of the realistic profile: groups with several parents, cycles,
    nominee hubs, family links."""
    out = tmp_path_factory.mktemp("realistic")
    generate_realistic(out, 2000, seed=3)
    return out


def test_rows_are_the_score_answers_on_the_example(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    grades = {r["grade"] for day in ("2021-06-15", "2024-01-01")
              for r in rows_are_scores(store, day)}
    assert grades > {"A"}


def test_rows_are_the_score_answers_on_a_realistic_graph(
        store: Store, realistic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ingest_bundle(store, realistic).rejected == 0
    # several chunks, and a run that lets go of most of what it kept
    monkeypatch.setattr(evaluation, "CHUNK", 700)
    monkeypatch.setattr(evaluation, "KEEP", 300)
    rows = rows_are_scores(store, GENERATED_ON)
    assert {r["grade"] for r in rows} == set("ABCD")
    # tight bounds: control walks stopped for a neighbourhood, neighbourhoods cut
    monkeypatch.setattr(check, "MAX_CONTROLLED", 3)
    monkeypatch.setattr(score, "MAX_NEIGHBOURS", 12)
    keys = list(store.uids(Label.ENTERPRISE))[:300]
    limits = {note for r in rows_are_scores(store, GENERATED_ON, keys) for note in r["limits"]}
    assert limits >= {"control walk stopped after 3 enterprises",
                      "neighbourhood limited to the 12 nearest"}


class Remote(Reader):
    """A memory store as a remote store serves it: each read a round trip, counted; a
    prefetch is one (the reference reading, `gather`)."""

    remote = True

    def __init__(self, store: MemoryStore) -> None:
        self.store, self.trips = store, 0

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        self.trips += 1
        return self.store.get_nodes(uids)

    def adjacent(self, uids: Iterable[str], types: Sequence[str] | None = None,
                 direction: Direction = "both", on: str | None = None) -> list[Edge]:
        self.trips += 1
        return self.store.adjacent(uids, types, direction, on)

    def nodes(self, kind: str) -> Iterator[Node]:
        self.trips += 1
        return self.store.nodes(kind)

    def uids(self, kind: str) -> Iterator[str]:
        return self.store.uids(kind)

    def prefetch(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str] = ()) -> Reader:
        self.trips += 1
        return Prefetched(self, gather(self.store, uids, plan, kinds))

    def edges(self, rel_type: str) -> Iterator[Edge]:
        return self.store.edges(rel_type)

    def search(self, text: str, limit: int = 20) -> list[Node]:
        return self.store.search(text, limit)

    def counts(self) -> dict[str, int]:
        return self.store.counts()


def test_a_chunk_is_read_in_two_statements(realistic: Path) -> None:
    memory = MemoryStore()
    ingest_bundle(memory, realistic)
    keys = list(memory.uids(Label.ENTERPRISE))[:1000]
    remote = Remote(memory)
    rows = list(Evaluation(remote, as_of=GENERATED_ON, keys=keys).rows())
    by_chunk = remote.trips
    remote.trips = 0
    for uscc in keys[:100]:
        score.score(remote, uscc, as_of=GENERATED_ON)
    assert len(rows) == 1000
    assert remote.trips > 10 * 100  # each score reads its neighbourhood step by step
    assert by_chunk <= 6  # the catalogue, the chunk's two prefetches, a read or three beyond


def test_officers_beyond_the_parties_are_read_only_where_sanctioned(tmp_path: Path) -> None:
    """A chunk's read: 新华信 and 东风 are two hops from 管城 (through their holding
    company), so their measures and holders are read; 新华信's officers too, because it is
    sanctioned, and 东风's director 孙丽 not."""
    b = Bundle()
    b.enterprise("C", "郑州管城餐饮管理有限公司", established="2015-05-20")
    b.enterprise("H", "郑州管城控股有限公司", established="2014-01-01")
    b.enterprise("B", "郑州新华信贸易有限公司", established="2018-03-01")
    b.enterprise("D", "郑州东风物流有限公司", established="2017-01-01")
    for person in ("王强", "赵敏", "孙丽"):
        b.person(person, person)
    b.holds("H", "C", 60.0, "2015-05-20")
    b.holds("H", "B", 70.0, "2018-03-01")
    b.holds("H", "D", 80.0, "2017-01-01")
    b.role("C", "王强", "legal_representative", "2015-05-20")
    b.role("B", "赵敏", "legal_representative", "2018-03-01")
    b.role("D", "孙丽", "director", "2017-01-01")
    b.measure("M1", "B", "joint_punishment", conduct="2023-06-15", start="2024-01-01")
    memory = MemoryStore()
    b.load(memory, tmp_path)
    remote = Remote(memory)
    scorer = score.Scorer(remote, "2024-06-01")
    remote.trips = 0  # the catalogue read
    view = scorer.read([b.uscc("C")])
    assert remote.trips == 2  # the plan, then the sanctioned enterprises' officers
    assert isinstance(view, Prefetched) and isinstance(view.store, Prefetched)
    plan, officers = view.store.sub, view.sub
    roles = list(check.ROLE_NAMES)
    assert officers.covering([b.uscc("B")], roles, "in") == {b.uscc("B")}
    assert b.key("赵敏") in officers.nodes
    assert b.uscc("D") in plan.nodes and plan.covering([b.uscc("D")], roles, "in") == set()
    assert b.key("孙丽") not in plan.nodes | officers.nodes
    answer = next(scorer.scores([b.uscc("C")], view))
    assert answer == score.score(memory, b.uscc("C"), as_of="2024-06-01")
    assert [c["source"] for c in answer["contributions"]] == ["M1"]

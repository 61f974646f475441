"""The bulk first load (`ingest --bulk`): the import spool keeps the stores' merge
semantics, and a real neo4j-admin import into a dedicated local server ends with the same
graph, history and counts as an online load of the same bundle."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credtrace.graph import EntityRow, MemoryStore
from credtrace.graph.model import MODEL
from credtrace.graph.neo4j.bulk import (
    ARRAY_DELIMITER,
    ImportGroup,
    ImportSpool,
    KeySet,
    columns_of,
    import_line,
    row_from_line,
    write_parts,
)
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.graph.store import StoreError, VersionedRow, history_of, versioned
from credtrace.ingest import BundleError, ingest_bundle, ingest_path
from credtrace.ingest.bulk import command_importer
from credtrace.ingest.load import bundle_source
from credtrace.ingest.pipeline import Ingestor
from tests.builders import Bundle
from tests.conftest import EXAMPLE, skip_unless_neo4j_wanted
from tests.neo4j_server import LocalNeo4j
from tests.snapshots import content


def tricky_bundle() -> Bundle:
    """Repeats that must stay exact: one phone written two ways (one contact, normalised at
    the door), a shared address, a range holding, a rejected row."""
    b = Bundle(seed=11)
    b.enterprise("A", "郑州甲,有限公司", address="郑州市金水区花园路 8 号", phone="0371-6555 1234")
    b.enterprise("B", '郑州"乙"有限公司', address="郑州市金水区花园路8号", phone="0371 65551234")
    b.enterprise("C", "郑州丙有限公司\n（分公司）", kind="branch")
    b.person("p", "张三")
    b.person("q", "李四")
    b.role("A", "p", "legal_representative", "2019-03-01", "2021-06-30")
    b.role("B", "q", "legal_representative", "")
    b.role("C", "p", "principal", "2020-01-01")
    b.holds("p", "A", 60, "2019-03-01")
    b.holds("A", "B", "", "2020-01-01", pct_min="25", pct_max="50")
    b.measure("M1", "A", "joint_punishment", conduct="2021-05-10", start="2021-07-01")
    b.event("M1", "objection_filed", "2021-08-01")
    b.rows["roles"].append({"enterprise": "914101057123456729", "person": b.key("p"),
                            "role": "director", "start": "", "end": ""})  # bad check char
    return b


def spooled(folder: Path, bundle: Path) -> tuple[ImportSpool, Any]:
    spool = ImportSpool(folder)
    report = ingest_bundle(spool, bundle)
    return spool, report


def read_import_group(group: ImportGroup) -> list[dict[str, str]]:
    """The rows of a group's files, as the importer reads them (header, then parts)."""
    names = sorted(p.name for p in group.folder.glob(f"{group.stem}.part-*.csv"))
    text = "".join((group.folder / name).read_text(encoding="utf-8")
                   for name in [f"{group.stem}.header.csv", *names])
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- the spool, without a server -------------------------------------------------------

def test_spool_counts_like_an_online_load(tmp_path: Path) -> None:
    online = ingest_bundle(MemoryStore(), EXAMPLE)
    spool, report = spooled(tmp_path / "import", EXAMPLE)
    assert report.tables == online.tables
    # written online after an import: kinds with an empty list; the finished run record
    deferred = [label for label, _, _ in spool.deferred if label != "IngestRun"]
    assert set(deferred) == {"MeasureKind"}
    assert (report.writes.created + len(deferred), report.writes.unchanged) == (
        online.writes.created, online.writes.unchanged)
    files = {f.label: f for f in spool.finish()}
    assert [f.edges for f in files.values()] == sorted(f.edges for f in files.values())
    assert files["Enterprise"].rows == 8 and files["HOLDS_SHARES"].rows == 14
    first = read_import_group(files["Enterprise"])[0]
    assert first["name"] == "郑州华信商贸有限公司" and first["line:long"] == "2"
    assert first["source"] == "bundle" and first["file"] == "enterprises.csv"


def test_parts_keep_only_the_lines_of_accepted_rows(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    b = tricky_bundle()
    b.rows["persons"].append({"person_id": b.key("p"), "name": "重复", "id_type": "ric"})
    b.write(folder)
    spool = ImportSpool(tmp_path / "import")
    ingestor = Ingestor(spool, source="bundle", path=str(folder), workers=2,
                        import_parts=spool.folder)
    bundle_source(folder).load(ingestor)
    ingestor.finish()
    groups = {g.label: g for g in spool.finish()}
    persons = read_import_group(groups["Person"])
    assert [p["name"] for p in persons] == ["张三", "李四"]  # the duplicate row is dropped
    roles = read_import_group(groups["PRINCIPAL"])
    assert len(roles) == 1 and "\n" in read_import_group(groups["Enterprise"])[2]["name"]
    assert groups["Enterprise"].multiline and not groups["Person"].multiline
    assert ingestor.report.rejected == 2  # the bad check character, the duplicate


def test_a_repeat_with_other_content_is_deferred_in_order(tmp_path: Path) -> None:
    spool = ImportSpool(tmp_path)
    declared = MODEL.node("Contact").prop_names
    rows = [versioned(EntityRow("phone:1", {"field": "phone", "value": v}), declared)
            for v in ("0371-1", "0371 1", "0371-1", "0371 1")]
    merged = spool.merge(None, "Contact", rows[:1], edges=False)
    assert (merged.created, merged.reached) == (1, 1)
    same = spool.merge(None, "Contact", rows[:1], edges=False)
    assert (same.created, same.reached) == (0, 1)  # unchanged, like a store
    spool.merge(None, "Contact", rows[1:], edges=False)
    assert [row.props["value"] for _, _, row in spool.deferred] == ["0371 1", "0371-1",
                                                                    "0371 1"]



def test_deferred_rows_from_part_files_are_rebuilt_before_the_parts_are_trimmed(
        tmp_path: Path) -> None:
    spool = ImportSpool(tmp_path)
    declared = MODEL.node("Contact").prop_names
    rows = [versioned(EntityRow(f"phone:{n % 2}", {"field": "phone", "value": f"0371-{n}"},
                                {"source": "bundle", "file": "e.csv", "line": n + 2}),
                      declared) for n in range(5)]
    write_parts(spool.folder, (("Contact", False, row) for row in rows))  # as a worker does
    assert all(isinstance(row.line, tuple) and not row.props for row in rows)
    spool.merge(None, "Contact", rows, edges=False)
    groups = spool.finish()
    assert [row.props["value"] for _, _, row in spool.deferred] == ["0371-2", "0371-3",
                                                                    "0371-4"]
    assert spool.deferred[0][2].props["line"] == 4
    assert [r["value"] for r in read_import_group(groups[0])] == ["0371-0", "0371-1"]

def test_relationships_wait_for_deferred_endpoints_and_missing_ones_are_skipped(
        tmp_path: Path) -> None:
    spool = ImportSpool(tmp_path)
    kind = versioned(EntityRow("no_roles", {"roles": [], "scenarios": ["supervision"]}),
                     MODEL.node("MeasureKind").prop_names)
    assert spool.merge(None, "MeasureKind", [kind], edges=False).created == 0
    assert spool.deferred[0][2].uid == "no_roles"  # an empty list cannot be written
    spool.merge(None, "Person", [versioned(EntityRow("P", {"name": "张三"}),
                                           MODEL.node("Person").prop_names)], edges=False)
    declared = MODEL.rel("DIRECTOR").prop_names
    missing = versioned(EntityRow("d1", {}, source="P", target="E"), declared)
    merged = spool.merge(None, "DIRECTOR", [missing], edges=True)
    assert (merged.created, merged.reached, len(spool.deferred)) == (0, 0, 1)


@given(st.lists(st.lists(st.text(max_size=3), max_size=20), max_size=6))
def test_key_set_tells_keys_seen_before(batches: list[list[str]]) -> None:
    keys, before = KeySet(), set()
    keys.RECENT = 5  # merges into the sorted array often
    for batch in batches:
        expected = []
        for key in batch:
            expected.append(key in before)
            before.add(key)
        assert keys.add_all(batch) == expected


texts = st.text(st.characters(blacklist_categories=["Cs"],
                              blacklist_characters=[ARRAY_DELIMITER]), min_size=1)


@given(name=texts, address=texts, line=st.integers(1, 10**9))
def test_an_import_line_reads_back_exactly(name: str, address: str, line: int) -> None:
    row = versioned(EntityRow("9141", {"name": name, "address": address, "kind": "company"},
                              {"source": "bundle", "file": "e.csv", "line": line}),
                    MODEL.node("Enterprise").prop_names)
    text = import_line("Enterprise", False, row)
    assert text is not None
    header = columns_of("Enterprise", False).header
    (cells,) = list(csv.reader(io.StringIO(text)))
    back = dict(zip(header, cells, strict=True))
    assert (back["uid:ID"], back["name"], back["address"]) == ("9141", name, address)
    assert back["line:long"] == str(line) and back["fp"] == row.fp and back["email"] == ""
    again = row_from_line("Enterprise", False, text)
    assert (again.uid, again.props, again.fp) == (row.uid, row.props, row.fp)


@given(pct=st.floats(0, 100), direct=st.none() | st.booleans(),
       history=st.lists(texts, max_size=3), interest=st.none() | texts)
def test_a_relationship_line_reads_back_exactly(pct: float, direct: bool | None,
                                                history: list[str],
                                                interest: str | None) -> None:
    row = versioned(EntityRow("e1", {"start": "2020-01-01", "percentage": pct,
                                     "direct": direct, "interest": interest},
                              {"source": "bods", "line": 7}, source="P", target="E"),
                    MODEL.rel("HOLDS_SHARES").prop_names)
    row = VersionedRow(row.uid, row.props, row.fp, row.source, row.target, tuple(history))
    text = import_line("HOLDS_SHARES", True, row)
    assert text is not None
    assert row_from_line("HOLDS_SHARES", True, text) == row


def test_bulk_needs_neo4j(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="bulk load goes into Neo4j"):
        ingest_path(MemoryStore(), EXAMPLE, bulk=lambda folder: None)


# --- a real import into a dedicated server -----------------------------------------------

@pytest.fixture(scope="module", params=["neo4j"])  # the id counts it as a Neo4j test
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Neo4jStore, Any]]:
    """A Neo4j of its own (the import restarts it), from scripts/neo4j-local."""
    skip_unless_neo4j_wanted()
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j-bulk"))
    server.start()
    store = server.store()
    try:
        yield store, command_importer(server.command("import"))
    finally:
        store.close()
        server.stop()


def test_bulk_load_ends_like_an_online_load(bulk_server: tuple[Neo4jStore, Any],
                                           tmp_path: Path) -> None:
    store, importer = bulk_server
    store.clear()
    folder = tricky_bundle().write(tmp_path / "bundle")
    earlier = Ingestor(store, source="bundle", path="earlier")
    earlier.finish("failed")  # a run record from before: carried into the import
    reference = MemoryStore()
    online = ingest_bundle(reference, folder)
    said: list[str] = []
    bulk = ingest_path(store, folder, bulk=importer, workers=2, say=said.append)
    assert bulk.status == "succeeded" and bulk.rejected == online.rejected == 1
    assert (bulk.writes, bulk.tables, bulk.warnings) == (online.writes, online.tables,
                                                          online.warnings)
    assert content(store) == content(reference)
    contact = next(n for n in store.nodes("Contact") if n.props["field"] == "phone")
    assert contact.props["value"] == "037165551234" and history_of(contact.props) == []
    runs = {n.uid: n.props["status"] for n in store.nodes("IngestRun")}
    assert runs == {earlier.report.run_id: "failed", bulk.run_id: "succeeded"}
    assert any(s.startswith("imported") for s in said)
    again = ingest_path(store, folder)  # an online reload continues like on the reference
    assert again.writes == ingest_bundle(reference, folder).writes
    assert again.writes.created == 0 and content(store) == content(reference)


def test_bulk_load_refuses_a_database_with_data(bulk_server: tuple[Neo4jStore, Any],
                                               tmp_path: Path) -> None:
    store, importer = bulk_server
    store.clear()
    ingest_bundle(store, EXAMPLE)
    with pytest.raises(BundleError, match="needs an empty database.*8 Enterprise"):
        ingest_path(store, EXAMPLE, bulk=importer)
    assert store.counts()["Enterprise"] == 8


def test_a_failed_import_leaves_the_database_as_it_was(bulk_server: tuple[Neo4jStore, Any],
                                                      tmp_path: Path) -> None:
    store, importer = bulk_server
    store.clear()
    earlier = Ingestor(store, source="bundle", path="earlier")
    earlier.finish("failed")

    def broken(folder: Path) -> None:  # the real import, of a file that is not there
        with open(folder / "import.args", "a", encoding="utf-8") as args:
            args.write("--nodes=Enterprise=missing-file.csv\n")
        importer(folder)

    with pytest.raises(StoreError, match="import command .* failed"):
        ingest_path(store, EXAMPLE, bulk=broken)
    store.reconnect()
    assert {k: n for k, n in store.counts().items() if n} == {"IngestRun": 2}
    assert sorted(n.props["status"] for n in store.nodes("IngestRun")) == ["failed", "failed"]
    report = ingest_path(store, EXAMPLE, bulk=importer)  # and a bulk load works after it
    assert report.status == "succeeded" and store.counts()["Enterprise"] == 8

"""One contract per role, over everything that plays it: the same writes give the same
reads.

- readers: each store, a prefetched view over each (`graph.view.Prefetched`) and the API's
  view that hides persons a masked caller named by ID number (`api.http.subjects.HidingStore`);
- writers: each store, and the bulk load's import spool (`graph.neo4j.bulk.ImportSpool`);
- stores (both roles): what a write leaves to be read back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from credtrace.api.http.subjects import HidingStore
from credtrace.graph import EntityRow, Reader, Store, Writer, edge_key
from credtrace.graph.neo4j.bulk import ImportSpool
from credtrace.graph.reads import Plan, UnknownRelationship
from credtrace.graph.store import history_of
from credtrace.graph.view import Prefetched, gather
from tests.conftest import empty_store, store_names

USCC_A = "914101057123456728"
USCC_B = "914101057123456803"
PERSON = "410105198207070429"
ROLE_A = edge_key("LEGAL_REPRESENTATIVE", PERSON, USCC_A, "2021-06-15")
ROLE_B = edge_key("LEGAL_REPRESENTATIVE", PERSON, USCC_B, None)
#: What the prefetched view reads at once: every relationship of the seeded nodes, and
#: every person (enterprises and the other reads fall through to the store beneath).
PLAN: Plan = ({"Enterprise": [(("LEGAL_REPRESENTATIVE", "HOLDS_SHARES"), "both")],
               "Person": [(("LEGAL_REPRESENTATIVE",), "both")]},)


def seed(writer: Writer) -> None:
    writer.upsert_nodes("Enterprise", [
        EntityRow(USCC_A, {"name": "郑州华信商贸有限公司", "kind": "company"}),
        EntityRow(USCC_B, {"name": "郑州华信控股有限公司", "kind": "company"}),
    ])
    writer.upsert_nodes("Person", [EntityRow(PERSON, {"name": "李娜", "id_type": "ric"})])
    writer.upsert_edges("LEGAL_REPRESENTATIVE", [
        EntityRow(ROLE_A, {"start": "2021-06-15", "end": None}, {"file": "roles.csv", "line": 3},
                  source=PERSON, target=USCC_A),
        EntityRow(ROLE_B, {"start": None, "end": "2020-01-01"}, source=PERSON, target=USCC_B),
    ])
    writer.upsert_edges("HOLDS_SHARES", [
        EntityRow(edge_key("HOLDS_SHARES", USCC_B, USCC_A, "2016-04-12"),
                  {"start": "2016-04-12", "percentage": 60.0}, source=USCC_B, target=USCC_A),
    ])


def prefetched(store: Store) -> Reader:
    """A view over `store` after one read of `PLAN`: the store's own reading where it has
    one (a remote store), else the reference reading over the primitives."""
    keys, kinds = [USCC_A, USCC_B, PERSON, "missing"], ["Person"]
    view = store.prefetch(keys, PLAN, kinds)
    if not isinstance(view, Prefetched):
        view = Prefetched(store, gather(store, keys, PLAN, kinds))
    return view


@pytest.fixture(params=[(name, view) for name in store_names()
                        for view in ("store", "prefetched", "hiding")], ids="-".join)
def reader(request: pytest.FixtureRequest) -> Reader:
    """Each store holding the seed, a prefetched view over it, and a hiding view (of a
    person not in the seed: it must read as the store does)."""
    name, view = request.param
    store = empty_store(name, request)
    seed(store)
    if view == "hiding":
        return HidingStore(store, {"110101199003070003"})
    return store if view == "store" else prefetched(store)


@pytest.fixture(params=[*store_names(), "import-spool"])
def writer(request: pytest.FixtureRequest, tmp_path: Path) -> Writer:
    """Each store, empty, and an import spool."""
    if request.param == "import-spool":
        return ImportSpool(tmp_path / "import")
    return empty_store(request.param, request)


# --- readers ----------------------------------------------------------------------------
def test_adjacent_filters_by_type_direction_and_date(reader: Reader) -> None:
    out = reader.adjacent([PERSON], ["LEGAL_REPRESENTATIVE"], "out")
    assert sorted(e.target for e in out) == [USCC_A, USCC_B]
    assert reader.adjacent([PERSON], ["LEGAL_REPRESENTATIVE"], "in") == []
    on_2022 = reader.adjacent([PERSON], None, "both", on="2022-01-01")
    assert [e.target for e in on_2022] == [USCC_A]  # the other ended 2020-01-01
    on_2019 = reader.adjacent([PERSON], None, "both", on="2019-01-01")
    assert [e.target for e in on_2019] == [USCC_B]  # unknown start: possibly valid
    into_a = reader.adjacent([USCC_A], ["HOLDS_SHARES"], "in", on="2016-04-12")
    assert [(e.source, e.props["percentage"]) for e in into_a] == [(USCC_B, 60.0)]
    assert reader.adjacent(["missing"], ["HOLDS_SHARES"]) == []


def test_adjacent_refuses_an_undeclared_relationship_type(reader: Reader) -> None:
    with pytest.raises(UnknownRelationship, match="'HOLD_SHARES'"):
        reader.adjacent([USCC_A], ["HOLDS_SHARES", "HOLD_SHARES"])
    with pytest.raises(UnknownRelationship, match="string"):
        reader.adjacent([USCC_A], "HOLDS_SHARES")


def test_get_nodes_search_and_counts(reader: Reader) -> None:
    nodes = reader.get_nodes([USCC_A, PERSON, "missing"])
    assert {n.kind for n in nodes.values()} == {"Enterprise", "Person"}
    assert nodes[PERSON].props["name"] == "李娜"
    assert reader.get_node("missing") is None
    assert reader.kinds([USCC_B, PERSON, "missing"]) == {USCC_B: "Enterprise", PERSON: "Person"}
    assert [n.uid for n in reader.search("华信")] == [USCC_A, USCC_B]
    assert [n.uid for n in reader.search("4101051982")] == [PERSON]
    counts = reader.counts()
    assert (counts["Enterprise"], counts["Person"], counts["HOLDS_SHARES"]) == (2, 1, 1)
    assert [n.uid for n in reader.nodes("Person")] == [PERSON]
    assert list(reader.uids("Enterprise")) == [USCC_A, USCC_B]
    assert len(list(reader.edges("LEGAL_REPRESENTATIVE"))) == 2


def test_shortest_paths(reader: Reader) -> None:
    paths = reader.shortest_paths(USCC_A, USCC_B, ["LEGAL_REPRESENTATIVE", "HOLDS_SHARES"],
                                  None, 4, 10)
    assert [[e.type for e in path] for path in paths] == [["HOLDS_SHARES"]]
    via_person = reader.shortest_paths(USCC_A, USCC_B, ["LEGAL_REPRESENTATIVE"], None, 4, 10)
    assert [[e.eid for e in path] for path in via_person] == [[ROLE_A, ROLE_B]]


def test_a_hidden_person_is_no_entry_point(store: Store) -> None:
    seed(store)
    hiding = HidingStore(store, {PERSON})
    assert hiding.get_node(PERSON) is None and PERSON not in hiding.get_nodes([PERSON, USCC_A])
    assert hiding.kinds([PERSON, USCC_A]) == {USCC_A: "Enterprise"}
    view = hiding.prefetch([PERSON, USCC_A], PLAN, ["Person"])
    assert view.get_node(PERSON) is None and view.get_node(USCC_A) is not None
    assert {e.source for e in hiding.adjacent([USCC_A], ["LEGAL_REPRESENTATIVE"])} == {PERSON}


# --- writers ----------------------------------------------------------------------------
def test_upsert_counts_and_idempotence(writer: Writer) -> None:
    result = writer.upsert_nodes("Person", [EntityRow(PERSON, {"name": "李娜"})])
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    again = writer.upsert_nodes("Person", [EntityRow(PERSON, {"name": "李娜"}, {"run_id": "r2"})])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert writer.kinds([PERSON, USCC_A]) == {PERSON: "Person"}


def test_edges_need_existing_endpoints_of_the_declared_kinds(writer: Writer) -> None:
    seed(writer)
    result = writer.upsert_edges("HOLDS_SHARES", [
        EntityRow("x1", {"percentage": 5.0}, source="nobody", target=USCC_A),
        EntityRow("x2", {"percentage": 5.0}, source=PERSON, target=PERSON),
    ])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert writer.kinds([USCC_A, PERSON]) == {USCC_A: "Enterprise", PERSON: "Person"}


# --- stores: what a write leaves to be read ----------------------------------------------
def test_correction_keeps_previous_version(store: Store) -> None:
    seed(store)
    result = store.upsert_edges("LEGAL_REPRESENTATIVE", [
        EntityRow(ROLE_A, {"start": "2021-06-15", "end": "2023-01-01"}, {"run_id": "fix"},
                  source=PERSON, target=USCC_A)])
    assert (result.created, result.updated) == (0, 1)
    (edge,) = [e for e in store.adjacent([USCC_A], ["LEGAL_REPRESENTATIVE"]) if e.eid == ROLE_A]
    assert edge.end == "2023-01-01"
    (previous,) = history_of(edge.props)
    assert previous.get("end") is None and previous["file"] == "roles.csv"
    assert store.counts()["LEGAL_REPRESENTATIVE"] == 2


def test_skipped_edges_are_not_stored(store: Store) -> None:
    seed(store)
    store.upsert_edges("HOLDS_SHARES", [
        EntityRow("x1", {"percentage": 5.0}, source="nobody", target=USCC_A)])
    assert store.counts()["HOLDS_SHARES"] == 1

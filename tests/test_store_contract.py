"""One contract for both stores: the same writes give the same reads."""

from __future__ import annotations

from graph import EntityRow, Store, edge_key
from graph.store import history_of

USCC_A = "914101057123456728"
USCC_B = "914101057123456803"
PERSON = "410105198207070429"


def seed(store: Store) -> None:
    store.upsert_nodes("Enterprise", [
        EntityRow(USCC_A, {"name": "郑州华信商贸有限公司", "kind": "company"}),
        EntityRow(USCC_B, {"name": "郑州华信控股有限公司", "kind": "company"}),
    ])
    store.upsert_nodes("Person", [EntityRow(PERSON, {"name": "李娜", "id_type": "ric"})])
    store.upsert_edges("LEGAL_REPRESENTATIVE", [
        EntityRow(edge_key("LEGAL_REPRESENTATIVE", PERSON, USCC_A, "2021-06-15"),
                  {"start": "2021-06-15", "end": None}, {"file": "roles.csv", "line": 3},
                  source=PERSON, target=USCC_A),
        EntityRow(edge_key("LEGAL_REPRESENTATIVE", PERSON, USCC_B, None),
                  {"start": None, "end": "2020-01-01"}, source=PERSON, target=USCC_B),
    ])
    store.upsert_edges("HOLDS_SHARES", [
        EntityRow(edge_key("HOLDS_SHARES", USCC_B, USCC_A, "2016-04-12"),
                  {"start": "2016-04-12", "percentage": 60.0}, source=USCC_B, target=USCC_A),
    ])


def test_upsert_counts_and_idempotence(store: Store) -> None:
    result = store.upsert_nodes("Person", [EntityRow(PERSON, {"name": "李娜"})])
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    again = store.upsert_nodes("Person", [EntityRow(PERSON, {"name": "李娜"}, {"run_id": "r2"})])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_correction_keeps_previous_version(store: Store) -> None:
    seed(store)
    key = edge_key("LEGAL_REPRESENTATIVE", PERSON, USCC_A, "2021-06-15")
    result = store.upsert_edges("LEGAL_REPRESENTATIVE", [
        EntityRow(key, {"start": "2021-06-15", "end": "2023-01-01"}, {"run_id": "fix"},
                  source=PERSON, target=USCC_A)])
    assert (result.created, result.updated) == (0, 1)
    (edge,) = [e for e in store.adjacent([USCC_A], ["LEGAL_REPRESENTATIVE"]) if e.eid == key]
    assert edge.end == "2023-01-01"
    (previous,) = history_of(edge.props)
    assert previous.get("end") is None and previous["file"] == "roles.csv"
    assert store.counts()["LEGAL_REPRESENTATIVE"] == 2


def test_edges_need_existing_endpoints_of_the_declared_kinds(store: Store) -> None:
    seed(store)
    result = store.upsert_edges("HOLDS_SHARES", [
        EntityRow("x1", {"percentage": 5.0}, source="nobody", target=USCC_A),
        EntityRow("x2", {"percentage": 5.0}, source=PERSON, target=PERSON),
    ])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert store.counts()["HOLDS_SHARES"] == 1


def test_adjacent_filters_by_type_direction_and_date(store: Store) -> None:
    seed(store)
    out = store.adjacent([PERSON], ["LEGAL_REPRESENTATIVE"], "out")
    assert sorted(e.target for e in out) == [USCC_A, USCC_B]
    assert store.adjacent([PERSON], ["LEGAL_REPRESENTATIVE"], "in") == []
    on_2022 = store.adjacent([PERSON], None, "both", on="2022-01-01")
    assert [e.target for e in on_2022] == [USCC_A]  # the other ended 2020-01-01
    on_2019 = store.adjacent([PERSON], None, "both", on="2019-01-01")
    assert [e.target for e in on_2019] == [USCC_B]  # unknown start: possibly valid
    into_a = store.adjacent([USCC_A], ["HOLDS_SHARES"], "in", on="2016-04-12")
    assert [(e.source, e.props["percentage"]) for e in into_a] == [(USCC_B, 60.0)]


def test_get_nodes_search_and_counts(store: Store) -> None:
    seed(store)
    nodes = store.get_nodes([USCC_A, PERSON, "missing"])
    assert {n.kind for n in nodes.values()} == {"Enterprise", "Person"}
    assert nodes[PERSON].props["name"] == "李娜"
    assert [n.uid for n in store.search("华信")] == [USCC_A, USCC_B]
    assert [n.uid for n in store.search("4101051982")] == [PERSON]
    counts = store.counts()
    assert (counts["Enterprise"], counts["Person"], counts["HOLDS_SHARES"]) == (2, 1, 1)
    assert [n.uid for n in store.nodes("Person")] == [PERSON]
    assert len(list(store.edges("LEGAL_REPRESENTATIVE"))) == 2

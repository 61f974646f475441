"""The realistic generator profile: deterministic, every row loads on both stores, and the
graph has what real registers have: several corporate parents, chains that split and
rejoin, cross-holdings and cycles, nominee hubs, family links, shared agent addresses."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from credtrace.ingest.realistic import AGENT_ADDRESSES, RELATIONS_HEADER, generate_realistic
from credtrace.ingest.tables import contact_value
from credtrace.queries.owners import owners

AS_OF = "2026-11-01"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("realistic")
    generate_realistic(out, 300, seed=11)
    return out


def test_same_seed_same_files(bundle: Path, tmp_path: Path) -> None:
    generate_realistic(tmp_path, 300, seed=11)
    for name in ("enterprises", "persons", "roles", "shareholdings", "relations"):
        assert (tmp_path / f"{name}.csv").read_bytes() == (bundle / f"{name}.csv").read_bytes()
    with (bundle / "relations.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == RELATIONS_HEADER
    assert {r["relation"] for r in rows} >= {"配偶", "子女", "associate"}


def test_the_realistic_graph_loads_and_has_real_shapes(store: Store, bundle: Path) -> None:
    report = ingest_bundle(store, bundle)
    assert report.rejected == 0, report.rejects[:3]
    assert store.counts()["Enterprise"] == 300
    holdings = list(store.edges("HOLDS_SHARES"))
    corporate = [e for e in holdings if store.kinds([e.source])[e.source] == "Enterprise"]
    parents = Counter(e.target for e in corporate)
    assert max(parents.values()) >= 2  # several corporate parents
    assert nx.find_cycle(nx.DiGraph([(e.source, e.target) for e in corporate]))
    roles = Counter(e.source for e in store.edges("DIRECTOR")) \
        + Counter(e.source for e in store.edges("SUPERVISOR"))
    assert max(roles.values()) >= 200  # a nominee hub
    addresses = Counter(n.props.get("address") for n in store.nodes("Enterprise"))
    agents = [contact_value("address", a) for a in AGENT_ADDRESSES]  # as normalised at the door
    assert sum(addresses[a] for a in agents) == 60  # every group company
    # bottom companies are held 51/49 by two companies that share the holding companies
    # above them: the chains split and rejoin; in a group without a cycle or cross-holding
    # the persons at the top still own exactly 100 % between them, over several paths
    bottoms = sorted(t for t, n in parents.items() if n == 2 and {
        e.props.get("percentage") for e in corporate if e.target == t} == {51.0, 49.0})
    person_sums = []
    for bottom in bottoms[:12]:
        holders = owners(store, bottom, as_of=AS_OF)["holders"]
        persons = [h for h in holders if h["holder"]["kind"] == "Person"]
        assert max(h["path_count"] for h in persons) >= 2
        person_sums.append(round(sum(h["effective"]["low"] for h in persons), 6))
    assert 100.0 in person_sums and max(person_sums) <= 100.0

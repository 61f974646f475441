"""Reading the pictures: a measure's tooltip has one status line (its state on the date:
郑州华信's listing was recorded `active` and is under objection since 2026-10-20, so on
2026-11-01 it says 异议审查中 only); every relationship type has its own colour; the path
view's legend says its edges are highlighted instead of listing colours it does not draw."""

from __future__ import annotations

from credtrace.graph import Store
from credtrace.graph.model import MODEL
from credtrace.ingest import ingest_bundle
from credtrace.viz.pages import graph_block
from credtrace.viz.style import rel_style
from credtrace.viz.views import ego_picture, path_picture
from tests.conftest import EXAMPLE

HUAXIN, XINHUAXIN = "914101057123456728", "91410102812345696N"


def test_a_measure_has_one_status_line(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    picture = ego_picture(store, HUAXIN, as_of="2026-11-01")
    details = picture.nodes["ZZ-2021-JP-0001"].details
    assert [value for label, value in details if "状态" in label] == ["异议审查中"]


def test_every_relationship_type_has_its_own_colour() -> None:
    colours = [rel_style(rel.name)["colour"] for rel in MODEL.rels]
    assert len(colours) == len(set(colours))


def test_the_path_legend_matches_its_highlighted_edges(store: Store) -> None:
    ingest_bundle(store, EXAMPLE)
    block = graph_block(path_picture(store, HUAXIN, XINHUAXIN, as_of="2024-01-01"))
    labels = [entry.label for entry in block["legend"]]
    assert "粗橙线：证据链 / 路径" in labels
    drawn = {edge["color"]["color"] for edge in block["edges"]}
    listed_rels = [label for label in labels if label.startswith("关系：")]
    assert all(rel_style(rel.name)["colour"] in drawn for rel in MODEL.rels
               if f"关系：{rel.label_zh}" in listed_rels)

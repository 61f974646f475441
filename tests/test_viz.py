"""Pictures, reports and exports on the example, on every store: offline pages (no CDN),
masked ID numbers, the four views' content, the node cap, exports that read back, the
report's tables and hash, and the CLI verbs. The real-browser checks are in tests/browser."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from credtrace.api.cli import app
from credtrace.graph import Store
from credtrace.graph.limits import Limits
from credtrace.ingest import ingest_bundle
from credtrace.queries.network import neighbourhood
from credtrace.queries.privacy import masked
from credtrace.viz.export import export
from credtrace.viz.pages import graph_block, render_ego, render_ownership, render_picture
from credtrace.viz.picture import Picture
from credtrace.viz.report import render_report, report_data
from credtrace.viz.views import accountability_picture, ego_picture, ownership_picture, path_picture
from tests.builders import Bundle
from tests.conftest import EXAMPLE

DAY = "2024-01-01"
KEY = b"a-test-masking-key"
MAIN = "914101057123456728"  # 郑州华信商贸有限公司, joint punishment ZZ-2021-JP-0001
SHELL = "91410102812345696N"  # 郑州新华信贸易有限公司, founded by 李娜 after the listing
LI_NA, LIU_YANG = "410105198207070429", "410102197008150131"
PERSONS = [line.split(",")[0] for line in
           (EXAMPLE / "persons.csv").read_text(encoding="utf-8").splitlines()[1:]]
CDN_HOSTS = ("cdnjs.cloudflare.com", "cdn.jsdelivr.net", "unpkg.com", "googleapis.com",
             "bootstrapcdn.com", "gstatic.com", "use.fontawesome.com", "cdn.")
#: Expected (nodes, edges) of each view of the example on DAY.
# accountability and ownership show, in the control chain, 华信商贸's own 5 % in 华信控股: it
# adds to 刘洋's pooled votes there (75 %), so the evidence is complete.
EXPECTED = {"ego": (17, 24), "accountability": (12, 14), "ownership": (6, 6), "path": (3, 4)}


@pytest.fixture
def example(store: Store) -> Store:
    ingest_bundle(store, EXAMPLE)
    return store


def remote_references(html: str) -> list[str]:
    """Anything a browser would fetch from the network: src/href/url() to http(s), or a
    CDN host named anywhere."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?\s*https?:[^"'\s>]*""", html, re.I)
    found += re.findall(r"""url\(\s*["']?\s*https?:[^)]*\)""", html, re.I)
    found += [host for host in CDN_HOSTS if host in html.lower()]
    return found


def pictures(store: Store) -> dict[str, Picture]:
    return {
        "ego": ego_picture(store, MAIN, hops=2, as_of=DAY),
        "accountability": accountability_picture(store, MAIN, as_of=DAY),
        "ownership": ownership_picture(store, MAIN, as_of=DAY),
        "path": path_picture(store, MAIN, SHELL, as_of=DAY),
    }


def test_pages_are_offline_utf8_masked_and_carry_legend_date_provenance(example: Store) -> None:
    html = render_ego(example, MAIN, hops=2, as_of=DAY, mask_key=KEY)
    assert remote_references(html) == []
    assert '<meta charset="utf-8">' in html and '"Noto Sans CJK SC"' in html
    assert "vis.Network" in html and "stabilizationIterationsDone" in html
    assert "<script src" not in html and "<link" not in html  # everything inline
    assert "图例" in html and "法定代表人" in html and "市场主体" in html
    assert f"截至日期：{DAY}" in html
    assert "数据来源" in html and "roles.csv" in html and "examples/zhengzhou" in html
    assert "郑州华信商贸有限公司" in html
    assert [p for p in PERSONS if p in html] == []
    assert masked(LI_NA, KEY) in html  # the API's token: the same person, the same text


def test_reveal_ids_shows_them_in_full(example: Store) -> None:
    html = render_ego(example, MAIN, hops=1, as_of=DAY, reveal_ids=True)
    assert LI_NA in html
    assert "证件号码已脱敏" not in html


def test_each_view_shows_the_expected_nodes_and_edges(example: Store) -> None:
    shown = {name: (len(p.nodes), len(p.edges)) for name, p in pictures(example).items()}
    assert shown == EXPECTED


def test_accountability_highlights_the_evidence_and_mutes_other_roles(example: Store) -> None:
    p = accountability_picture(example, MAIN, as_of=DAY)
    assert {k for k, n in p.nodes.items() if "reached" in n.marks} == {LI_NA, LIU_YANG}
    evidence = {(e.source, e.target, e.type) for e in p.edges if e.highlight}
    assert (LI_NA, MAIN, "LEGAL_REPRESENTATIVE") in evidence  # in office on the conduct date
    assert (LIU_YANG, "914101057123456803", "HOLDS_SHARES") in evidence  # control chain
    assert ("914101057123456803", MAIN, "HOLDS_SHARES") in evidence
    muted = {(e.source, e.type) for e in p.edges if e.muted}
    assert ("410105197503120318", "LEGAL_REPRESENTATIVE") in muted  # 张伟 left that day
    assert p.nodes["ZZ-2021-JP-0001"].status == "active"
    assert {n.status for k, n in p.nodes.items() if k.startswith("derived:")} == {"derived"}
    assert not any(n.kind == "MeasureEvent" for n in p.nodes.values())  # objection is later


def test_measure_states_follow_due_process(example: Store) -> None:
    later = accountability_picture(example, MAIN, as_of="2026-11-01")
    assert later.nodes["ZZ-2021-JP-0001"].status == "under_objection"
    repaired = accountability_picture(example, "914101056123456088", as_of=DAY)
    assert repaired.nodes["ZZ-2022-XG-0002"].status == "repaired"
    assert {n.status for k, n in repaired.nodes.items() if k.startswith("derived:")} == {
        "repaired"}


def test_ownership_is_top_down_with_controller_and_beneficial_owners(example: Store) -> None:
    p = ownership_picture(example, MAIN, as_of=DAY)
    assert p.nodes[LIU_YANG].marks >= {"controller", "beneficial_owner"}
    assert "beneficial_owner" in p.nodes["410181199002020242"].marks  # 陈静 30 %
    assert "controlling_shareholder" in p.nodes["914101057123456803"].marks
    assert (p.nodes[LIU_YANG].level, p.nodes["914101057123456803"].level,
            p.nodes[MAIN].level) == (0, 1, 2)
    labels = {e.label.split("\n")[0] for e in p.edges}
    assert {"股东 60%", "股东 70%", "股东 30%"} <= labels
    block = graph_block(p)
    assert block["options"]["layout"]["hierarchical"]["direction"] == "UD"
    assert any("穿透 42%" in n["label"] for n in block["nodes"])
    assert "hierarchicalRepulsion" in render_ownership(example, MAIN, as_of=DAY)


def test_path_view_highlights_every_shortest_path(example: Store) -> None:
    p = path_picture(example, MAIN, SHELL, as_of=DAY)
    assert set(p.nodes) == {MAIN, LI_NA, SHELL}
    assert all(e.highlight for e in p.edges)


def test_above_the_cap_nodes_fold_into_summary_nodes(store: Store, tmp_path: Path) -> None:
    b = Bundle()
    b.enterprise("E", "大董事会有限公司")
    for i in range(40):
        b.person(f"d{i}", f"董事{i:02d}", birth=date(1985, 1, 1) + timedelta(days=i))
        b.role("E", f"d{i}", "director", "2020-01-01")
    b.load(store, tmp_path / "bundle")
    picture = ego_picture(store, b.key("E"), as_of=DAY)
    html = render_picture(picture, max_nodes=12)
    assert len(picture.nodes) <= 12
    summaries = [n for n in picture.nodes.values() if n.kind == "Summary"]
    assert [n.label for n in summaries] == [f"+{41 - len(picture.nodes) + 1} more 董事"]
    assert "节点超过上限 12" in html
    truncated = ego_picture(store, b.key("E"), as_of=DAY, limits=Limits(max_nodes=10))
    assert [n.label for n in truncated.nodes.values() if n.kind == "Summary"] == [
        "+31 more 董事"]
    render_picture(truncated, max_nodes=6)  # the query's summary stays, six more fold
    assert len(truncated.nodes) == 6
    assert sorted(n.label for n in truncated.nodes.values() if n.kind == "Summary") == [
        "+31 more 董事", "+6 more 董事"]


def test_exports_read_back_with_the_same_counts(example: Store, tmp_path: Path) -> None:
    sub = neighbourhood(example, MAIN, hops=2, as_of=DAY, max_nodes=1000)
    counts = (len(sub.nodes), len(sub.edges))
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        [path] = export(example, MAIN, fmt=fmt, out=tmp_path / f"g.{fmt}", hops=2, as_of=DAY,
                        mask_key=KEY)
        graph = reader(path)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == counts, fmt
        assert masked(LI_NA, KEY) in graph.nodes and LI_NA not in graph.nodes
        assert all(isinstance(v, str | int | float | bool)
                   for _, attrs in graph.nodes(data=True) for v in attrs.values())
    [xlsx] = export(example, MAIN, fmt="xlsx", out=tmp_path / "t.xlsx", hops=2, as_of=DAY,
                    zh=True)
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert list(sheets) == ["节点", "关系", "主体", "任职", "持股", "惩戒措施"]
    assert (len(sheets["节点"]), len(sheets["关系"])) == counts
    assert "姓名" in sheets["任职"].columns
    files = export(example, MAIN, fmt="csv", out=tmp_path / "csv", hops=2, as_of=DAY)
    assert len(pd.read_csv(tmp_path / "csv" / "edges.csv", encoding="utf-8-sig")) == counts[1]
    assert len(files) == 6
    [js] = export(example, MAIN, fmt="json", out=tmp_path / "g.json", hops=2, as_of=DAY)
    data = json.loads(js.read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == counts
    assert LI_NA not in js.read_text(encoding="utf-8")


def test_report_has_summary_tables_metrics_and_a_stable_hash(example: Store) -> None:
    data = report_data(example, MAIN, hops=2, as_of=DAY)
    assert data == report_data(example, MAIN, hops=2, as_of=DAY)
    s = data["summary"]
    assert [p["name"] for p in s["accountable"]] == ["刘洋", "李娜"]
    assert s["control"]["actual_controller"]["name"] == "刘洋"
    assert s["score"]["grade"] == "D"  # an active joint punishment caps the grade
    assert any(a["type"] == "疑似换壳" for a in s["alerts"])
    rows = {name: len(t) for name, t in data["tables"].items()}
    assert rows == {"parties": 11, "roles": 7, "holdings": 9, "measures": 1, "evidence": 2,
                    "metrics": 17}
    assert data["metrics"]["components"] == 1
    html = render_report(example, MAIN, hops=2, as_of=DAY)
    assert data["hash"] in html and remote_references(html) == []
    assert [p for p in PERSONS if p in html] == []
    assert 'id="t-evidence" data-rows="2"' in html


def test_a_block_counts_what_it_draws() -> None:
    p = Picture("ego", "t", "A", DAY)
    p.node("A", "Enterprise", "甲")
    block = graph_block(p)
    assert block["counts"] == {"nodes": 1, "edges": 0}


def test_cli_writes_pages_report_and_exports(tmp_path: Path) -> None:
    runner = CliRunner()
    db = f"memory:{tmp_path / 'db'}"
    assert runner.invoke(app, ["ingest", str(EXAMPLE), "--store", db]).exit_code == 0
    commands = [
        ["viz", "ego", MAIN, "--hops", "2", "--kind", "role", "--out", str(tmp_path / "e.html")],
        ["viz", "accountability", MAIN, "--out", str(tmp_path / "a.html")],
        ["viz", "ownership", MAIN, "--out", str(tmp_path / "o.html")],
        ["viz", "path", MAIN, SHELL, "--out", str(tmp_path / "p.html")],
        ["report", LI_NA, "--out", str(tmp_path / "r")],
        ["export", MAIN, "--format", "gexf", "--out", str(tmp_path / "g.gexf")],
    ]
    for args in commands:
        result = runner.invoke(app, [*args, "--store", db, "--as-of", DAY])
        assert result.exit_code == 0, (args, result.output)
    [name] = [p.name for p in (tmp_path / "r").iterdir()]
    assert re.fullmatch(r"report-4101x{10}0429x[0-9a-f]{8}\.html", name), name
    bad = runner.invoke(app, ["export", MAIN, "--format", "pdf", "--out", str(tmp_path / "x"),
                              "--store", db])
    assert bad.exit_code == 1 and "unknown export format" in bad.output


def test_demo_writes_the_report_and_pictures(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--as-of", DAY])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".html")
    assert names == ["accountability.html", "ego.html", "ownership.html", "path.html",
                     f"report-{MAIN}.html"]
    assert "path view" in result.output and "1 new shells" in result.output

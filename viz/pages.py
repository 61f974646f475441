"""Interactive network pages: one self-contained HTML file per view, usable offline.

pyvis builds the vis-network data; the page template is ours, because pyvis 0.3.2's own
template loads Bootstrap from a CDN even with ``cdn_resources='in_line'``. vis-network's
JS and CSS (bundled inside pyvis) are inlined, so the page needs no network at all.
Physics stabilises, then stops (``stabilizationIterationsDone`` turns it off). Above the
node cap (`Limits.max_nodes`) the farthest nodes are folded into summary nodes.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> html = render_ego(store, "914101057123456728", as_of="2024-01-01")
>>> "郑州华信商贸有限公司" in html, "410105198207070429" in html
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyvis
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import Label
from credtrace.graph.store import Reader
from credtrace.viz.cap import cap
from credtrace.viz.masking import redact_picture
from credtrace.viz.picture import Picture, PictureEdge, PictureNode
from credtrace.viz.style import (
    CANVAS_FONT,
    EVIDENCE_COLOUR,
    FONT_STACK,
    MARKS,
    MEASURE_STATUS,
    MUTED_COLOUR,
    SUMMARY_KIND,
    legend,
    measure_style,
    node_style,
    rel_style,
)
from credtrace.viz.views import accountability_picture, ego_picture, ownership_picture, path_picture

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
VIEW_NAMES = {"ego": "关系网络", "accountability": "追责视图", "ownership": "股权穿透",
              "path": "关联路径", "report": "分析报告"}
STABILIZATION_ITERATIONS = 400


@lru_cache(maxsize=1)
def vis_assets() -> dict[str, Markup]:
    """vis-network's JS and CSS as shipped inside pyvis, for inlining (no source map)."""
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return {"js": Markup(js), "css": Markup(css)}  # noqa: S704 - trusted package files


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(loader=PackageLoader("viz", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def tooltip(title: str, details: list[tuple[str, str]]) -> str:
    """Plain-text tooltip (vis-network shows strings as text, never as HTML)."""
    return "\n".join([title, *(f"{k}：{v}" for k, v in details)])


def vis_node(node: PictureNode) -> dict[str, Any]:
    style = measure_style(node.status) if node.status else node_style(node.kind)
    border = next((MARKS[m][1] for m in ("center", "controller", "beneficial_owner",
                                         "reached", "controlling_shareholder")
                   if m in node.marks), "#333333")
    marks = "、".join(MARKS[m][0] for m in sorted(node.marks) if m in MARKS)
    title = node.label.replace("\n", " ") + (f"（{marks}）" if marks else "")
    options: dict[str, Any] = {
        "title": tooltip(title, node.details),
        "color": {"background": style["colour"], "border": border,
                  "highlight": {"background": style["colour"], "border": "#000000"}},
        "borderWidth": 4 if node.marks - {"summary"} else 1,
        "font": {"face": CANVAS_FONT, "size": 22 if node.kind == SUMMARY_KIND
                 else 16 if "center" in node.marks else 14},
        "shapeProperties": {"borderDashes": [6, 4] if style.get("dashes") else False},
        "kind": node.kind, "status": node.status or "", "marks": sorted(node.marks),
    }
    if node.level is not None:
        options["level"] = node.level
    if node.kind == Label.ENTERPRISE:
        options["font"]["color"] = "#ffffff"  # inside a dark box
    return options


def vis_edge(edge: PictureEdge) -> dict[str, Any]:
    colour = (EVIDENCE_COLOUR if edge.highlight else MUTED_COLOUR if edge.muted
              else rel_style(edge.type)["colour"])
    return {
        "label": edge.label, "title": tooltip(edge.label.replace("\n", " "), edge.details),
        "color": {"color": colour, "highlight": "#000000", "inherit": False},
        "width": 4 if edge.highlight else 1 if edge.muted else 2,
        "dashes": edge.uncertain,
        "font": {"face": CANVAS_FONT, "size": 11, "align": "top",
                 "color": "#999999" if edge.muted else "#333333"},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "relType": edge.type, "evidence": edge.highlight,
    }


def vis_options(picture: Picture) -> dict[str, Any]:
    """vis-network options: stabilise, then stop; top-down layout for ownership."""
    options: dict[str, Any] = {
        "autoResize": True,
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "edges": {"smooth": {"enabled": True, "type": "dynamic"}},
        "layout": {"randomSeed": 7, "improvedLayout": len(picture.nodes) <= 150},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 140,
                                 "avoidOverlap": 0.6},
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS,
                              "updateInterval": 50, "fit": True},
        },
    }
    if picture.hierarchical:
        options["layout"]["hierarchical"] = {
            "enabled": True, "direction": "UD", "sortMethod": "directed",
            "levelSeparation": 170, "nodeSpacing": 230, "treeSpacing": 260,
            "shakeTowards": "roots"}
        options["physics"]["solver"] = "hierarchicalRepulsion"
        options["physics"]["hierarchicalRepulsion"] = {"nodeDistance": 220, "avoidOverlap": 1}
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier",
                                      "forceDirection": "vertical", "roundness": 0.4}
    return options


def graph_block(picture: Picture, element: str = "ct-graph") -> dict[str, Any]:
    """Everything the `_network.html` block needs to draw one (masked) picture. Node keys
    in the page are opaque (``n0``, ``n1``…), never the store's keys."""
    net = Network(directed=True, cdn_resources="in_line")
    ids = {key: f"n{i}" for i, key in enumerate(picture.nodes)}
    for key, node in picture.nodes.items():
        style = node_style(Label.MEASURE) if node.status else node_style(node.kind)
        net.add_node(ids[key], label=node.label, shape=style["shape"], **vis_node(node))
    for edge in picture.edges:
        net.add_edge(ids[edge.source], ids[edge.target], **vis_edge(edge))
    statuses = {n.status for n in picture.nodes.values() if n.status}
    plain = {e.type for e in picture.edges if not (e.highlight or e.muted)}
    entries = legend({n.kind for n in picture.nodes.values()}, plain,
                     {s for s in statuses if s in MEASURE_STATUS},
                     {m for n in picture.nodes.values() for m in n.marks},
                     highlighted=any(e.highlight for e in picture.edges),
                     muted=any(e.muted for e in picture.edges))
    return {"element": element, "nodes": net.nodes, "edges": net.edges,
            "options": vis_options(picture), "legend": entries,
            "counts": {"nodes": len(net.nodes), "edges": len(net.edges)}}


def page_context(picture: Picture, *, masked: bool) -> dict[str, Any]:
    """What every page shows around the graph: title, as-of date, notes, provenance."""
    return {
        "title": picture.title, "view": VIEW_NAMES.get(picture.view, picture.view),
        "as_of": picture.as_of, "center": picture.center, "notes": picture.notes,
        "provenance": picture.provenance,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "masked": masked, "font_stack": Markup(FONT_STACK),  # noqa: S704
        "assets": vis_assets(),
    }


def render_picture(picture: Picture, *, reveal_ids: bool = False, mask_key: bytes | None = None,
                   max_nodes: int = DEFAULT_LIMITS.max_nodes, template: str = "page.html",
                   **extra: Any) -> str:
    """A picture as one self-contained HTML page (`template`, given `extra` context): capped,
    then ID numbers masked with the shared tokens (`mask_key`) unless `reveal_ids`."""
    cap(picture, max_nodes)
    shown = redact_picture(picture, reveal_ids=reveal_ids, key=mask_key)
    return templates().get_template(template).render(
        graph=graph_block(shown), **page_context(shown, masked=not reveal_ids), **extra)


def render_ego(store: Reader, party_id: str, *, hops: int = 1, kinds: Sequence[str] | None = None,
               as_of: str | None = None, reveal_ids: bool = False, mask_key: bytes | None = None,
               limits: Limits = DEFAULT_LIMITS) -> str:
    """The ego network of a party as an HTML page."""
    picture = ego_picture(store, party_id, hops=hops, kinds=kinds, as_of=as_of, limits=limits)
    return render_picture(picture, reveal_ids=reveal_ids, mask_key=mask_key,
                          max_nodes=limits.max_nodes)


def render_accountability(store: Reader, uscc: str, *, measure_id: str | None = None,
                          as_of: str | None = None, reveal_ids: bool = False,
                          mask_key: bytes | None = None,
                          limits: Limits = DEFAULT_LIMITS) -> str:
    """The accountability view of a sanctioned enterprise as an HTML page."""
    picture = accountability_picture(store, uscc, measure_id=measure_id, as_of=as_of)
    return render_picture(picture, reveal_ids=reveal_ids, mask_key=mask_key,
                          max_nodes=limits.max_nodes)


def render_ownership(store: Reader, uscc: str, *, as_of: str | None = None,
                     reveal_ids: bool = False, mask_key: bytes | None = None,
                     limits: Limits = DEFAULT_LIMITS) -> str:
    """The ownership and control view (equity penetration) as an HTML page."""
    picture = ownership_picture(store, uscc, as_of=as_of)
    return render_picture(picture, reveal_ids=reveal_ids, mask_key=mask_key,
                          max_nodes=limits.max_nodes)


def render_path(store: Reader, a: str, b: str, *, as_of: str | None = None,
                kinds: Sequence[str] | None = None, max_hops: int = 6, limit: int = 10,
                reveal_ids: bool = False, mask_key: bytes | None = None,
                limits: Limits = DEFAULT_LIMITS) -> str:
    """The paths between two parties as an HTML page."""
    picture = path_picture(store, a, b, as_of=as_of, kinds=kinds, max_hops=max_hops,
                           limit=limit, limits=limits)
    return render_picture(picture, reveal_ids=reveal_ids, mask_key=mask_key,
                          max_nodes=limits.max_nodes)


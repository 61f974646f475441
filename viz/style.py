"""How things look: shapes, colours and labels read from the model declaration, plus the
few display-only states the model does not declare (measure status, marks).

>>> node_style("Enterprise")["shape"], node_style("Enterprise")["label_zh"]
('box', '市场主体')
>>> measure_style("under_objection")["label_zh"]
'异议审查中'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credtrace.graph.model import MODEL, Label

#: CJK-capable font stack for pages and the canvas (screenshots need fonts-noto-cjk).
FONT_STACK = ('"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", '
              "sans-serif")
#: The canvas font (vis-network takes one face string).
CANVAS_FONT = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"


@dataclass(frozen=True)
class StatusStyle:
    """How a measure in one state is drawn."""

    label_zh: str
    colour: str
    dashes: bool = False


#: Measure states (`graph.lifecycle.STATES`, plus `derived`) -> display.
MEASURE_STATUS: dict[str, StatusStyle] = {
    "active": StatusStyle("生效中", "#d62728"),
    "derived": StatusStyle("派生措施", "#ff7f0e"),
    "under_objection": StatusStyle("异议审查中", "#f2c12e", dashes=True),
    "repaired": StatusStyle("已信用修复", "#2ca02c"),
    "exited": StatusStyle("已退出", "#7f7f7f"),
    "objection_upheld": StatusStyle("异议成立", "#98df8a"),
    "expired": StatusStyle("已到期", "#c7c7c7"),
    "not_started": StatusStyle("未开始", "#c5b0d5"),
    "uncertain": StatusStyle("状态不确定", "#bcbd22", dashes=True),
}


#: Marks a view puts on nodes -> (label, border colour).
MARKS: dict[str, tuple[str, str]] = {
    "center": ("查询对象", "#000000"),
    "controller": ("实际控制人", "#9467bd"),
    "controlling_shareholder": ("控股股东", "#1f77b4"),
    "beneficial_owner": ("受益所有人", "#e377c2"),
    "reached": ("被追责人员", "#ff7f0e"),
    "summary": ("折叠节点", "#aaaaaa"),
}

EVIDENCE_COLOUR = "#ff7f0e"
MUTED_COLOUR = "#c8c8c8"
SUMMARY_KIND = "Summary"


def node_style(kind: str) -> dict[str, str]:
    """Shape, colour and Chinese label of a node kind (summary nodes are grey boxes)."""
    if kind == SUMMARY_KIND:
        return {"shape": "box", "colour": "#eeeeee", "label_zh": "更多（已折叠）"}
    declared = MODEL.node(kind)
    return {"shape": declared.shape, "colour": declared.colour, "label_zh": declared.label_zh}


def rel_style(rel_type: str) -> dict[str, str]:
    """Colour and Chinese label of a relationship type (view-only types are allowed)."""
    try:
        declared = MODEL.rel(rel_type)
    except KeyError:
        return {"colour": "#999999", "label_zh": VIEW_RELS.get(rel_type, rel_type)}
    return {"colour": declared.colour, "label_zh": declared.label_zh}


#: Relationships that exist only in pictures (derived, not stored).
VIEW_RELS = {"DERIVED_FROM": "派生自", "DERIVED_ON": "派生惩戒对象", "MORE": "更多"}


def measure_style(status: str) -> dict[str, Any]:
    style = MEASURE_STATUS.get(status, MEASURE_STATUS["uncertain"])
    return {"shape": MODEL.node(Label.MEASURE).shape, "colour": style.colour,
            "label_zh": style.label_zh, "dashes": style.dashes}


_SVG = {
    "box": '<rect x="2" y="5" width="20" height="14" rx="3" {p}/>',
    "square": '<rect x="4" y="4" width="16" height="16" {p}/>',
    "dot": '<circle cx="12" cy="12" r="8" {p}/>',
    "ellipse": '<ellipse cx="12" cy="12" rx="10" ry="6" {p}/>',
    "triangle": '<polygon points="12,3 21,20 3,20" {p}/>',
    "diamond": '<polygon points="12,2 22,12 12,22 2,12" {p}/>',
    "star": '<polygon points="12,2 15,9 22,9 16.5,13.5 18.5,21 12,16.5 5.5,21 7.5,13.5 2,9 9,9" '
            '{p}/>',
    "hexagon": '<polygon points="6,3 18,3 23,12 18,21 6,21 1,12" {p}/>',
    "line": '<line x1="1" y1="12" x2="23" y2="12" stroke="{c}" stroke-width="3" {d}/>',
}


def swatch(shape: str, colour: str, *, dashes: bool = False, border: str = "#333",
           border_width: int = 1) -> str:
    """A 24 px inline SVG of a legend entry (colours come from our own declarations)."""
    dash = 'stroke-dasharray="4 3"' if dashes else ""
    paint = f'fill="{colour}" stroke="{border}" stroke-width="{border_width}" {dash}'
    body = _SVG.get(shape, _SVG["dot"]).format(p=paint, c=colour, d=dash)
    return f'<svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true">{body}</svg>'


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend: a swatch and its Chinese label."""

    label: str
    svg: str


def legend(kinds: set[str], rel_types: set[str], statuses: set[str],
           marks: set[str], *, highlighted: bool = False, muted: bool = False
           ) -> list[LegendEntry]:
    """Legend entries for what a picture actually shows, in the model's order: relationship
    colours for the `rel_types` drawn in their own colour, then the highlight (evidence,
    paths) and the muted grey when some edges are drawn so."""
    entries = [LegendEntry(s["label_zh"], swatch(s["shape"], s["colour"]))
               for kind in [*(n.name for n in MODEL.nodes), SUMMARY_KIND] if kind in kinds
               for s in [node_style(kind)] if kind != Label.MEASURE]
    entries += [LegendEntry(f"惩戒措施：{style.label_zh}",
                            swatch("diamond", style.colour, dashes=style.dashes))
                for status, style in MEASURE_STATUS.items() if status in statuses]
    ordered_rels = [*(r.name for r in MODEL.rels), *VIEW_RELS]
    entries += [LegendEntry(f"关系：{s['label_zh']}", swatch("line", s["colour"]))
                for rel in ordered_rels if rel in rel_types for s in [rel_style(rel)]]
    if highlighted:
        entries.append(LegendEntry("粗橙线：证据链 / 路径", swatch("line", EVIDENCE_COLOUR)))
    if muted:
        entries.append(LegendEntry("浅灰线：其他关系（未涉及）", swatch("line", MUTED_COLOUR)))
    entries += [LegendEntry(f"标记：{label}", swatch("dot", "#ffffff", border=colour,
                                                   border_width=3))
                for mark, (label, colour) in MARKS.items() if mark in marks]
    entries.append(LegendEntry("虚线：起止日期不确定", swatch("line", "#666666", dashes=True)))
    return entries

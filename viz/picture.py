"""A picture before it is drawn: nodes and edges with their labels, details and marks.

Views (viz/views.py) build a `Picture` from query answers; pages (viz/pages.py) draw it.
Keys are the store's keys (a person's is their ID number); the page masks the whole picture
(`viz.masking.redact_picture`) before drawing it.

>>> p = Picture("ego", "示例", "A", "2024-01-01")
>>> _ = p.node("A", "Enterprise", "甲公司"); _ = p.node("B", "Person", "张三")
>>> p.edge("B", "A", "LEGAL_REPRESENTATIVE", "法定代表人"); len(p.edges)
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from credtrace.graph.model import MODEL, PROVENANCE, Label

Details = list[tuple[str, str]]


@dataclass
class PictureNode:
    key: str
    kind: str
    label: str
    details: Details = field(default_factory=list)
    status: str | None = None  # a measure's state (viz.style.MEASURE_STATUS)
    marks: set[str] = field(default_factory=set)
    level: int | None = None  # row in a hierarchical layout, top = 0


@dataclass
class PictureEdge:
    source: str
    target: str
    type: str
    label: str
    details: Details = field(default_factory=list)
    uncertain: bool = False
    highlight: bool = False
    muted: bool = False


@dataclass
class Picture:
    """What one page shows, with the as-of date and where the data came from."""

    view: str
    title: str
    center: str
    as_of: str
    nodes: dict[str, PictureNode] = field(default_factory=dict)
    edges: list[PictureEdge] = field(default_factory=list)
    hierarchical: bool = False
    notes: list[str] = field(default_factory=list)
    provenance: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, set[str]] = field(default_factory=dict)  # ingest run -> files cited

    def cite(self, props: dict[str, Any]) -> None:
        """Remember the ingest run and file a shown node or edge came from."""
        if props.get("run_id"):
            cited = self.files.setdefault(str(props["run_id"]), set())
            if props.get("file"):
                cited.add(str(props["file"]))

    @property
    def run_ids(self) -> list[str]:
        return sorted(self.files)

    def node(self, key: str, kind: str, label: str, details: Details | None = None,
             **extra: Any) -> PictureNode:
        """Add a node, or return the one already there (marks are merged)."""
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = PictureNode(key, kind, label, details or [], **extra)
        elif "marks" in extra:
            node.marks |= extra["marks"]
        return node

    def edge(self, source: str, target: str, rel_type: str, label: str, **extra: Any) -> None:
        """Add an edge unless the same one (endpoints, type, label) is there; a highlighted
        duplicate upgrades the one present."""
        for edge in self.edges:
            if (edge.source, edge.target, edge.type, edge.label) == (source, target, rel_type,
                                                                      label):
                edge.highlight = edge.highlight or extra.get("highlight", False)
                edge.muted = edge.muted and extra.get("muted", False)
                return
        self.edges.append(PictureEdge(source, target, rel_type, label, **extra))

    @property
    def person_ids(self) -> list[str]:
        return [n.key for n in self.nodes.values() if n.kind == Label.PERSON]


def interval_text(start: str | None, end: str | None) -> str:
    """A validity interval for labels: ``2016-04-12 – 至今``; an unknown start is ``?``.

    >>> interval_text(None, "2020-12-31")
    '? – 2020-12-31'
    """
    return f"{start or '?'} – {end or '至今'}"


def share_text(props: dict[str, Any]) -> str:
    """A shareholding's share: exact, or the range when only bounds are known.

    >>> share_text({"percentage": 60.0}), share_text({"pct_min": 25, "pct_max": 50})
    ('60%', '25–50%')
    """
    if props.get("percentage") is not None:
        return f"{float(props['percentage']):g}%"
    low, high = props.get("pct_min"), props.get("pct_max")
    return f"{float(low or 0):g}–{float(high if high is not None else 100):g}%"


def prop_details(kind: str, props: dict[str, Any]) -> Details:
    """Declared properties of a node kind, with their Chinese labels, for tooltips."""
    rows = [(p.label_zh or p.name, _text(props[p.name])) for p in MODEL.node(kind).props
            if props.get(p.name) not in (None, "", [])]
    return rows + provenance_details(props)


def provenance_details(props: dict[str, Any]) -> Details:
    labels = {"source": "来源", "file": "文件", "line": "行号", "run_id": "导入批次"}
    return [(labels[k], str(props[k])) for k in PROVENANCE if props.get(k) is not None]


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)

"""Keep a picture drawable: above a node cap, fold the farthest nodes into summary nodes
("+N more 董事") attached to the nearest node that stays, instead of freezing the browser.

>>> from credtrace.viz.picture import Picture
>>> p = Picture("ego", "t", "A", "2024-01-01")
>>> _ = p.node("A", "Enterprise", "甲")
>>> for i in range(5):
...     _ = p.node(f"d{i}", "Person", f"董事{i}"); p.edge(f"d{i}", "A", "DIRECTOR", "董事")
>>> cap(p, 3); sorted(n.label for n in p.nodes.values())
['+4 more 董事', '甲', '董事0']
"""

from __future__ import annotations

from collections import deque

from credtrace.graph.model import MODEL
from credtrace.viz.picture import Picture
from credtrace.viz.style import SUMMARY_KIND, rel_style

LISTED = 20  # names listed in a summary node's tooltip


def bfs_order(picture: Picture) -> dict[str, tuple[str | None, str | None]]:
    """Every node reachable from the centre (then the rest) -> (parent, edge type)."""
    links: dict[str, list[tuple[str, str]]] = {k: [] for k in picture.nodes}
    for edge in picture.edges:
        links[edge.source].append((edge.target, edge.type))
        links[edge.target].append((edge.source, edge.type))
    order: dict[str, tuple[str | None, str | None]] = {}
    starts = [picture.center, *picture.nodes]
    for start in starts:
        if start in order or start not in picture.nodes:
            continue
        order[start] = (None, None)
        queue = deque([start])
        while queue:
            uid = queue.popleft()
            for other, rel_type in sorted(links[uid], key=lambda x: (x[1], x[0])):
                if other not in order:
                    order[other] = (uid, rel_type)
                    queue.append(other)
    return order


def summary_label(count: int, kind: str, rel_type: str | None) -> str:
    what = rel_style(rel_type)["label_zh"] if rel_type else MODEL.node(kind).label_zh
    return f"+{count} more {what}"


def fold(order: dict[str, tuple[str | None, str | None]], kinds: dict[str, str], center: str,
         keep: int) -> dict[tuple[str, str, str | None], list[str]]:
    """The nodes beyond the first `keep` grouped by (nearest kept node, kind, type)."""
    ranked = list(order)
    kept = set(ranked[:keep])
    groups: dict[tuple[str, str, str | None], list[str]] = {}
    for uid in ranked[keep:]:
        anchor, rel_type = order[uid]
        while anchor is not None and anchor not in kept:
            anchor = order[anchor][0]
        groups.setdefault((anchor or center, kinds[uid], rel_type), []).append(uid)
    return groups


def cap(picture: Picture, max_nodes: int) -> None:
    """Fold nodes beyond the cap (in breadth-first order from the centre) into summary
    nodes, one per (nearest kept node, kind, relationship type); kept plus summary nodes
    stay within `max_nodes`. Summary nodes already there (what the query left out) stay."""
    if len(picture.nodes) <= max_nodes:
        return
    summaries = {uid for uid, node in picture.nodes.items() if node.kind == SUMMARY_KIND}
    order = {uid: via for uid, via in bfs_order(picture).items() if uid not in summaries}
    kinds = {uid: node.kind for uid, node in picture.nodes.items()}
    room = max_nodes - len(summaries)
    keep = max(room - 1, 1)
    groups = fold(order, kinds, picture.center, keep)
    while keep > 1 and keep + len(groups) > room:
        keep -= keep + len(groups) - room
        keep = max(keep, 1)
        groups = fold(order, kinds, picture.center, keep)
    dropped = {uid for members in groups.values() for uid in members}
    names = {uid: picture.nodes[uid].label for uid in dropped}
    picture.nodes = {k: v for k, v in picture.nodes.items() if k not in dropped}
    picture.edges = [e for e in picture.edges if e.source not in dropped
                     and e.target not in dropped]
    for (anchor, kind, rel_type), members in sorted(groups.items(),
                                                    key=lambda g: (g[0][0], g[0][1],
                                                                   g[0][2] or "")):
        listed = "、".join(names[m] for m in members[:LISTED])
        more = "…" if len(members) > LISTED else ""
        add_summary(picture, anchor, kind, rel_type, len(members), f"{listed}{more}",
                    origin="folded")
    picture.notes.append(f"节点超过上限 {max_nodes}：{len(dropped)} 个节点已折叠为汇总节点。")


def add_summary(picture: Picture, anchor: str, kind: str, rel_type: str | None, count: int,
                members: str = "", *, origin: str = "left-out") -> None:
    """A summary node "+N more …" linked to `anchor`: of nodes the query left out, or
    (`origin` "folded") of nodes folded by the cap (two nodes, each with its own count)."""
    key = f"summary:{origin}:{anchor}:{kind}:{rel_type}"
    details = [("折叠节点数", str(count)), ("类型", MODEL.node(kind).label_zh)]
    if members:
        details.append(("包含", members))
    picture.node(key, SUMMARY_KIND, summary_label(count, kind, rel_type), details,
                 marks={"summary"})
    picture.edge(key, anchor, rel_type or "MORE", "", muted=True)


def add_truncated(picture: Picture, truncated: dict[tuple[str, str], int]) -> None:
    """Summary nodes for what a query left out (`Subgraph.truncated`), on the centre."""
    for (kind, rel_type), count in sorted(truncated.items()):
        add_summary(picture, picture.center, kind, rel_type, count)
    if truncated:
        total = sum(truncated.values())
        picture.notes.append(f"查询结果超过节点上限：另有 {total} 个节点未取出，已显示为汇总节点。")

"""Personal identifiers in pictures, reports and exports, masked by the shared rule of
`queries.privacy` (the API's keyed tokens, ``4101**********0318~98d9ff17``) unless the viewer
may see them.

What is particular to viz: a `Picture` is masked as a whole before it is drawn (its node keys,
labels, tooltips, notes and title), a neighbourhood before it is exported, and a file name
carries a party's key made safe for a file system and a ``Content-Disposition`` header.

>>> from credtrace.viz.picture import Picture
>>> p = Picture("ego", "示例", "410105197503120318", "2024-01-01")
>>> _ = p.node("410105197503120318", "Person", "张伟", [("编号", "410105197503120318")])
>>> shown = redact_picture(p, reveal_ids=False, key=b"k")
>>> shown.center, shown.nodes[shown.center].details
('4101**********0318~98d9ff17', [('编号', '4101**********0318~98d9ff17')])
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from credtrace.graph.model import Label
from credtrace.graph.records import Node
from credtrace.queries.network import Subgraph
from credtrace.queries.privacy import masked, redact
from credtrace.viz.picture import Details, Picture


def _pairs(rows: list[Any]) -> Details:
    return [(str(k), str(v)) for k, v in rows]


def redact_picture(picture: Picture, *, reveal_ids: bool, key: bytes | None = None) -> Picture:
    """The picture as the viewer may see it (a new picture unless `reveal_ids`)."""
    if reveal_ids:
        return picture
    shown: dict[str, Any] = redact({
        "title": picture.title, "center": picture.center, "notes": picture.notes,
        "nodes": [{"id": n.key, "kind": n.kind, "label": n.label, "details": n.details}
                  for n in picture.nodes.values()],
        "edges": [{"source": e.source, "target": e.target, "label": e.label,
                   "details": e.details} for e in picture.edges],
    }, reveal_ids=False, key=key)
    nodes = {new["id"]: replace(node, key=new["id"], label=new["label"],
                                details=_pairs(new["details"]))
             for node, new in zip(picture.nodes.values(), shown["nodes"], strict=True)}
    edges = [replace(edge, source=new["source"], target=new["target"], label=new["label"],
                     details=_pairs(new["details"]))
             for edge, new in zip(picture.edges, shown["edges"], strict=True)]
    return replace(picture, title=shown["title"], center=shown["center"],
                   notes=list(shown["notes"]), nodes=nodes, edges=edges)


def redact_subgraph(sub: Subgraph, *, reveal_ids: bool, key: bytes | None = None) -> Subgraph:
    """A neighbourhood as the viewer may see it (a new one unless `reveal_ids`)."""
    if reveal_ids:
        return sub
    shown: dict[str, Any] = redact({"center": sub.center, "nodes": sub.nodes, "edges": sub.edges},
                   reveal_ids=False, key=key)
    return replace(sub, center=shown["center"], nodes=shown["nodes"], edges=shown["edges"])


def file_key(node: Node, *, reveal_ids: bool, key: bytes | None = None) -> str:
    """A party's key for a file name: a person's masked unless revealed; ASCII letters,
    digits, ``-`` and ``_`` only (anything else becomes ``x``).

    >>> file_key(Node("Person", "410105197503120318"), reveal_ids=False, key=b"k")
    '4101xxxxxxxxxx0318x98d9ff17'
    """
    shown = node.uid if node.kind != Label.PERSON or reveal_ids else masked(node.uid, key)
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "x" for c in shown)

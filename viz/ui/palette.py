"""What the workbench draws with: node kinds, measure states and one colour per
relationship type (`graph.model`), and the highlights of the actions' answers.

>>> colours = [r["colour"] for r in palette()["rels"].values()]
>>> len(colours) == len(set(colours))
True
"""

from __future__ import annotations

from typing import Any

from credtrace.graph.model import MODEL
from credtrace.viz.style import MEASURE_STATUS, node_style

#: Highlights of an action's answer, drawn over the relationship's own colour.
HIGHLIGHTS = {"evidence": {"colour": "#e6007e", "label_zh": "追责证据链"},
              "path": {"colour": "#000000", "label_zh": "最短路径"},
              "ownership": {"colour": "#00a3a3", "label_zh": "股权穿透"}}


def palette() -> dict[str, Any]:
    """Node kinds, relationship types, measure states and highlights for the page."""
    kinds = [n.name for n in MODEL.nodes]
    return {
        "nodes": {k: node_style(k) for k in kinds},
        "rels": {r.name: {"colour": r.colour, "label_zh": r.label_zh,
                          "category": r.category, "role": r.role} for r in MODEL.rels},
        "measures": {s: {"colour": st.colour, "label_zh": st.label_zh, "dashes": st.dashes}
                     for s, st in MEASURE_STATUS.items()},
        "highlights": HIGHLIGHTS,
        "categories": {c: sorted({r.label_zh for r in MODEL.rels if r.category == c})
                       for c in dict.fromkeys(r.category for r in MODEL.rels)},
    }

"""What a store holds, comparable between loads and stores: every node and relationship
with its public properties and history, without the run id (each load has its own) and
without the runs themselves."""

from __future__ import annotations

from typing import Any

from credtrace.graph import Store
from credtrace.graph.model import MODEL
from credtrace.graph.store import INTERNAL_PROPS, history_of

PROVENANCE_OF_RUN = {"run_id"}  # differs between two loads of the same data


def content(store: Store) -> dict[str, Any]:
    """Nodes by (kind, key) and relationships by (type, key), with their versions."""

    def clean(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items()
                if k not in INTERNAL_PROPS and k not in PROVENANCE_OF_RUN and v is not None}

    def versions(props: dict[str, Any]) -> list[dict[str, Any]]:
        return [clean(h) for h in history_of(props)]

    nodes = {(n.kind, n.uid): (clean(n.props), versions(n.props))
             for kind in MODEL.nodes if kind.name != "IngestRun"
             for n in store.nodes(kind.name)}
    edges = {(e.type, e.eid): (e.source, e.target, clean(e.props), versions(e.props))
             for rel in MODEL.rels for e in store.edges(rel.name)}
    return {"nodes": nodes, "edges": edges}

"""Runs a loader left open: a process killed, or a store gone away before the run could be
closed, leaves its `IngestRun` "running". The next load closes such runs as failed, so
what was told to credtrace, and when, stays true. One loader at a time writes a store (the
API serialises its own writes; do not start two `credtrace ingest` on one store at once).
"""

from __future__ import annotations

from credtrace.graph.model import PROVENANCE, Label
from credtrace.graph.store import EntityRow, Reader, Writer, public_props

INTERRUPTED = "failed"


def close_interrupted(store: Writer, current: str | None = None) -> list[str]:
    """Mark every run but `current` still "running" as failed (its earlier version kept in
    its history); the ids of the runs closed (none in a write-only store: a bulk load
    closes them in the store it reads its runs from).

    >>> from credtrace.graph.memory import MemoryStore
    >>> store = MemoryStore()
    >>> _ = store.upsert_nodes("IngestRun", [EntityRow("r1", {"status": "running"})])
    >>> close_interrupted(store, "r2"), store.get_node("r1").props["status"]
    (['r1'], 'failed')
    """
    if not isinstance(store, Reader):
        return []
    stale = [run for run in store.nodes(Label.INGEST_RUN)
             if run.props.get("status") == "running" and run.uid != current]
    if not stale:
        return []
    rows = []
    for run in stale:
        props = public_props(run.props)
        provenance = {name: props.pop(name, None) for name in PROVENANCE}
        rows.append(EntityRow(run.uid, props | {"status": INTERRUPTED}, provenance))
    store.upsert_nodes(Label.INGEST_RUN, rows)
    store.flush()
    return [run.uid for run in stale]

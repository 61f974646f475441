"""Record one due-process event on a measure (objection, repair, exit) through the same
validation and versioned writes as a bundle row of `measure_events.csv`.

Used by the HTTP API: the run is an `IngestRun` of its own whose `source` says where the
event came from (``api``), so the event carries provenance like any loaded row.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> report = record_event(store, "ZZ-2021-JP-0001", "objection_rejected", "2026-11-01")
>>> report.rejected, report.writes.created
(0, 2)
>>> record_event(store, "ZZ-2021-JP-0001", "objection_rejected", "2026-11-01").writes.created
0
>>> record_event(store, "ZZ-2021-JP-0001", "repaired", "2026-13-01").rejects[0].reason
'impossible date (month must be in 1..12)'
"""

from __future__ import annotations

from credtrace.graph.store import Store
from credtrace.ingest.pipeline import Ingestor, IngestReport, Reject
from credtrace.ingest.repair_window import repair_refusal
from credtrace.ingest.tables import Table, tables

EVENTS_FILE = "measure_events.csv"


def events_table() -> Table:
    """The bundle's `measure_events` table (columns and converter)."""
    return next(t for t in tables(set()) if t.name == "measure_events")


def record_event(store: Store, measure_id: str, name: str, day: str, note: str | None = None,
                 *, source: str = "api", path: str = "api") -> IngestReport:
    """Validate and write one event; a rejected event is in the report's `rejects`."""
    row = {"measure_id": measure_id, "event": name, "date": day, "note": note or ""}
    ingestor = Ingestor(store, source=source, path=path)
    refusal = repair_refusal(store, measure_id, day) if name == "repaired" else None
    if refusal:
        ingestor.sink.add(Reject(EVENTS_FILE, 1, "date", day, refusal))
    else:
        ingestor.load_table(events_table(), lambda: [(1, row)], EVENTS_FILE)
    return ingestor.finish("succeeded" if ingestor.report.rejected == 0 else "rejected")

"""Ingestion: validated, idempotent, provenance-carrying loads into a store.

The names below are imported on first use (the readers need pandas and the Neo4j driver,
which a CLI query on the embedded store does without)."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credtrace.ingest.errors import BundleError
    from credtrace.ingest.load import (
        FORMATS,
        bundle_size,
        detect_format,
        ingest_bundle,
        ingest_path,
        source_size,
    )
    from credtrace.ingest.pipeline import IngestReport, Reject

#: Each exported name and the module that defines it.
HOMES = {"BundleError": "credtrace.ingest.errors", "IngestReport": "credtrace.ingest.pipeline",
         "Reject": "credtrace.ingest.pipeline",
         **dict.fromkeys(("FORMATS", "bundle_size", "detect_format", "ingest_bundle",
                          "ingest_path", "source_size"), "credtrace.ingest.load")}

__all__ = ["FORMATS", "BundleError", "IngestReport", "Reject", "bundle_size", "detect_format",
           "ingest_bundle", "ingest_path", "source_size"]


def __getattr__(name: str) -> Any:
    if name not in HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(HOMES[name]), name)
    globals()[name] = value
    return value

"""Ingestion: validated, idempotent, provenance-carrying loads into a store."""

from ingest.bundle import BundleError
from ingest.load import (
    FORMATS,
    bundle_size,
    detect_format,
    ingest_bundle,
    ingest_path,
    source_size,
)
from ingest.pipeline import IngestReport, Reject

__all__ = ["FORMATS", "BundleError", "IngestReport", "Reject", "bundle_size", "detect_format",
           "ingest_bundle", "ingest_path", "source_size"]

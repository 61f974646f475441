"""Ingestion: validated, idempotent, provenance-carrying loads into a store."""

from ingest.bundle import BundleError
from ingest.load import bundle_size, ingest_bundle
from ingest.pipeline import IngestReport, Reject

__all__ = ["BundleError", "IngestReport", "Reject", "bundle_size", "ingest_bundle"]

"""Bundle uploads by administrators: validated, idempotent loads into the store."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from credtrace.api.http.deps import CallerDep, WriteStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.models import IngestAnswer
from credtrace.api.http.uploads import clear, unpack
from credtrace.api.roles import Scope
from credtrace.ingest import BundleError, ingest_path
from credtrace.queries.common import InvalidInput

router = APIRouter(prefix="/v1", tags=["ingest"], dependencies=[require(Scope.INGEST)],
                   responses=responses(400, 401, 403, 413, 422, 429, 503))


@router.post("/ingest", response_model=IngestAnswer, summary="Upload and load a bundle")
def post_ingest(
    caller: CallerDep, store: WriteStore,
    files: Annotated[list[UploadFile], File(
        description="a zip of the bundle's CSV files, the CSV files themselves "
                    "(enterprises.csv, persons.csv, …), or one BODS / FollowTheMoney JSON "
                    "file")],
) -> Any:
    """Validates every row (bad rows are rejected with file, line, field and reason; good
    rows still load) and writes with provenance; loading the same files again changes
    nothing. The body is bounded (413)."""
    caller.audit(*(f.filename or "" for f in files))
    folder = Path(tempfile.mkdtemp(prefix="credtrace-upload-"))
    try:
        target, names = unpack([(f.filename or "", f.file) for f in files], folder,
                               caller.settings.max_unpacked_bytes)
        report = ingest_path(store, target).as_dict()
    except BundleError as exc:
        raise InvalidInput(str(exc).replace(str(folder), "upload")) from None
    finally:
        clear(folder)
    for server_side in ("path", "rejects_file"):  # temporary locations, meaningless to clients
        report.pop(server_side)
    return {**report, "files": names}

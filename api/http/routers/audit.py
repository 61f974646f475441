"""The audit trail, for administrators: read it and verify its hash chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from credtrace.api.audit import Verification
from credtrace.api.http.deps import CallerDep, require
from credtrace.api.http.errors import responses
from credtrace.api.http.models import AuditPage
from credtrace.api.roles import Scope

#: The largest sequence number SQLite stores (a signed 64-bit integer).
MAX_SEQ = 2**63 - 1

router = APIRouter(prefix="/v1", tags=["audit"], dependencies=[require(Scope.AUDIT)],
                   responses=responses(401, 403, 422, 429))


@router.get("/audit", response_model=AuditPage, summary="Read the audit trail")
def get_audit(
    caller: CallerDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ,
                                description="entries after this sequence number")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="most entries")] = 100,
) -> Any:
    """Entries oldest first: who (key id, role) called which route about which subjects,
    why (`X-Purpose`) and when, with the chain's hashes."""
    caller.audit()
    entries = caller.resources.audit.entries(after=after, limit=limit)
    return {"entries": entries,
            "next_after": entries[-1].seq if len(entries) == limit else None}


@router.get("/audit/verify", response_model=Verification, summary="Verify the audit chain")
def get_audit_verify(caller: CallerDep) -> Any:
    """Walks the whole chain; an edited, inserted, deleted or reordered entry is named."""
    caller.audit()
    return caller.resources.audit.verify()

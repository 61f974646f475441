"""Refused calls in the audit trail: a request answered 401, 403, 413, 422 or 429 is
recorded too (who presented which key, the route, its parameters, the status and reason),
so probing shows in the trail as well as what was answered.

The key is the verified one when the refusal came after it was checked; otherwise the id
the caller claimed (``ctk_<id>_…``, never the secret) with role ``none``.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.datastructures import Headers
from starlette.types import Scope

from credtrace.api.keys import KEY, PREFIX

log = logging.getLogger("credtrace.api")

#: Statuses whose refusal is audited.
AUDITED = frozenset({401, 403, 413, 422, 429})
MAX_TEXT = 1000
_CLAIMED = re.compile(rf"^{PREFIX}([A-Za-z0-9]{{1,32}})_")


def query_params(scope: Scope) -> dict[str, Any]:
    """The query parameters of a request (a repeated one as a list; values cut at 1,000
    characters).

    >>> query_params({"query_string": b"hops=2&kinds=role&kinds=shareholding"})
    {'hops': '2', 'kinds': ['role', 'shareholding']}
    """
    params: dict[str, Any] = {}
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    for name, value in pairs[:100]:
        value = value[:MAX_TEXT]
        if name in params:
            kept = params[name]
            params[name] = [*kept, value] if isinstance(kept, list) else [kept, value]
        else:
            params[name] = value
    return params


def claimed_key(presented: str | None) -> str:
    """The key id a presented key claims (its public part), or ``none``.

    >>> claimed_key("ctk_ab12_secret"), claimed_key("garbage"), claimed_key(None)
    ('ab12', 'none', 'none')
    """
    match = _CLAIMED.match(presented or "")
    return match[1] if match else "none"


async def audit_refusal(scope: Scope, status: int, detail: str) -> None:
    """Append the refusal of this request to the audit trail (a failure is logged, and the
    refusal still answered)."""
    if status not in AUDITED or scope.get("type") != "http":
        return
    app = scope.get("app")
    resources = getattr(getattr(app, "state", None), "resources", None)
    if resources is None:
        return
    headers = Headers(scope=scope)
    key = scope.get(KEY)
    purpose = headers.get("x-purpose")
    route = getattr(scope.get("route"), "path", None) or scope.get("path", "")
    params = {**query_params(scope), "refused": status, "reason": detail[:MAX_TEXT]}
    try:
        await resources.audit.append_async(
            key_id=key.id if key else claimed_key(headers.get("x-api-key")),
            role=key.role if key else "none", method=scope.get("method", ""),
            route=route[:MAX_TEXT],
            subjects=[str(v)[:MAX_TEXT] for v in (scope.get("path_params") or {}).values()],
            purpose=unquote(purpose)[:MAX_TEXT] if purpose else None, params=params)
    except Exception:
        log.exception("audit: could not record a refused call")

"""Request body bounds (413 as problem+json): a declared Content-Length above the limit is
refused before anything is read, and a streamed body is counted as it arrives.

Bundle uploads (`/v1/ingest`) have their own, larger limit.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credtrace.api.http.errors import MEDIA_TYPE, PROBLEM_TYPE
from credtrace.api.http.refusals import audit_refusal

UPLOAD_PATHS = ("/v1/ingest",)


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is larger than {limit} bytes")


class BodyLimit:
    """ASGI middleware bounding request bodies: `upload` bytes on upload paths, else `body`."""

    def __init__(self, app: ASGIApp, *, body: int, upload: int) -> None:
        self.app, self.body, self.upload = app, body, upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload if scope["path"] in UPLOAD_PATHS else self.body
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await audit_refusal(scope, 413, str(_too_large(limit).detail))
            await self._refuse(scope, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)  # re-raised by FastAPI, answered by api.http.errors
            return message

        await self.app(scope, counted, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        body = json.dumps({"type": PROBLEM_TYPE + "content-too-large",
                           "title": "Request too large", "status": 413,
                           "detail": _too_large(limit).detail,
                           "instance": scope["path"]}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", MEDIA_TYPE.encode()),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

"""One ASGI guard in front of every request: a request id, a body size limit, an access log
that names the path only (no query string: `q` is what an operator typed)."""

from __future__ import annotations

import json
import logging
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("crm_server.access")

INTAKE_BODY_LIMIT = 8 * 1024 * 1024  # a 5 MB photo in base64 plus the report
BODY_LIMIT = 256 * 1024


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        limit = INTAKE_BODY_LIMIT if scope["path"].startswith("/api/v1/intake/") else BODY_LIMIT
        body = await _read_body(receive, limit)
        if body is None:
            await _too_large(send_with_id, request_id)
        else:
            await self.app(scope, _replay(body, receive), send_with_id)
        log.info(
            "%s %s %d %.1fms %s",
            scope["method"],
            loggable_path(scope["path"]),
            status,
            (time.perf_counter() - started) * 1000,
            request_id,
        )


def loggable_path(path: str) -> str:
    """The path as a client sent it may hold newlines (a forged log line), terminal escapes or
    bidi controls: escape everything but printable ASCII."""
    return ascii(path)[1:-1]


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None past `limit` (checked as it arrives, Content-Length or not)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later calls wait for the disconnect, as Starlette expects

    return replay


async def _too_large(send: Send, request_id: str) -> None:
    payload = json.dumps(
        {"error": "payload_too_large", "message": "The request body is too large.", "request_id": request_id}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})

"""One ASGI guard in front of every request: a request id, the intake key checked before the
body is read (intake_gate.py), a body size limit, an access log
that names the path only (no query string: `q` is what an operator typed), and the last word on
a crash (a generic 500; the exception's type and frames logged, never its message)."""

from __future__ import annotations

import json
import logging
import secrets
import time
import traceback

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm_server.api import intake_gate, open311_answers

log = logging.getLogger("crm_server.access")
crash_log = logging.getLogger("crm_server.errors")

INTAKE_BODY_LIMIT = 8 * 1024 * 1024  # a 5 MB photo in base64 plus the report
FOLLOW_UP_BODY_LIMIT = 22 * 1024 * 1024  # four 5 MB photos, as they are (multipart), and the texts
BODY_LIMIT = 256 * 1024
OPEN311_SUBMISSIONS = "/open311/v2/requests."  # a form with a photo of up to 5 MB


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

        intake = intake_gate.guards(scope)
        refused = await intake_gate.refusal(scope) if intake else None  # before the body is read
        body = None if refused else await _read_body(receive, _body_limit(scope["path"]))
        if refused is not None:
            await _json_error(
                send_with_id, request_id, refused.status, refused.code, refused.message, headers=refused.headers
            )
        elif body is None and open311_answers.owns(scope["path"]):
            too_large = open311_answers.error(scope["path"], 413, "The request body is too large.")
            await too_large(scope, receive, send_with_id)
        elif body is None:
            await _json_error(send_with_id, request_id, 413, "payload_too_large", "The request body is too large.")
        else:
            try:
                await self.app(scope, _replay(body, receive), send_with_id)
            except Exception as exc:  # noqa: BLE001 - whatever the app raised, it is answered and logged here
                # Answered here: Starlette's own last resort re-raises after answering, and the
                # server then logs the exception with its message, which can carry request data.
                log_crash(scope["method"], scope["path"], request_id, exc)
                if status == 0:
                    await _json_error(send_with_id, request_id, 500, *INTERNAL_ERROR)
        log.info(
            "%s %s %d %.1fms %s",
            scope["method"],
            loggable_path(scope["path"]),
            status,
            (time.perf_counter() - started) * 1000,
            request_id,
        )


def _body_limit(path: str) -> int:
    if path.startswith(("/api/v1/intake/", OPEN311_SUBMISSIONS)):
        return INTAKE_BODY_LIMIT
    if path.startswith("/api/v1/reports/") and path.endswith("/follow-up"):
        return FOLLOW_UP_BODY_LIMIT
    return BODY_LIMIT


INTERNAL_ERROR = ("internal_error", "The server failed; try again.")


def log_crash(method: str, path: str, request_id: str, exc: BaseException) -> None:
    """The exception's type and frames, without its message (it may hold request data)."""
    crash_log.error(
        "unhandled %s on %s %s [%s]\n%s",
        type(exc).__name__,
        method,
        loggable_path(path),
        request_id,
        "".join(traceback.format_tb(exc.__traceback__)),
    )


def loggable_path(path: str) -> str:
    """The path as a client sent it may hold newlines (a forged log line), terminal escapes or
    bidi controls: escape everything but printable ASCII."""
    return ascii(path)[1:-1]


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None past `limit` (checked as it arrives, Content-Length or not)."""
    chunks: list[bytes] = []
    size = 0
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


async def _json_error(
    send: Send, request_id: str, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> None:
    payload = json.dumps({"error": code, "message": message, "request_id": request_id}).encode()
    extra = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})

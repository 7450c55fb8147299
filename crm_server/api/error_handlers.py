"""Every error becomes a JSON body of declared shape that echoes no input. Never a 500 on
purpose; an unexpected exception is logged without its message (it may hold request data)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from crm_server.api import open311_answers
from crm_server.api.middleware import INTERNAL_ERROR, log_crash
from crm_server.errors import ApiError
from crm_server.services import audit
from crm_server.storage import failures

_HTTP_CODES = {
    400: ("bad_request", "The request is not valid."),
    401: ("unauthorized", "Sign in again: the token is missing, invalid or expired."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
}


def _body(request: Request, code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": code, "message": message, "request_id": request.state.request_id, **extra}


def _answer(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> Response:
    """The house's JSON error, or under the Open311 prefix the spec's error list (JSON or XML)."""
    if open311_answers.owns(request.url.path):
        return open311_answers.error(request.url.path, status, message, headers)
    # `extra` is a mapping, not keywords: a conflict's fields include `status`.
    return JSONResponse(_body(request, code, message, **(extra or {})), status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        if exc.audit is not None:
            try:
                audit.record_alone(request.app.state.db, *exc.audit)
            except failures.DatabaseError as failed:  # the refusal's audit row could not be written
                return await database_error(request, failed)
        headers = dict(exc.headers)
        if exc.status == 401 and not open311_answers.owns(request.url.path):
            headers.setdefault("WWW-Authenticate", "Bearer")
        return _answer(request, exc.status, exc.code, exc.message, headers, exc.extra)

    @app.exception_handler(failures.DatabaseError)
    async def database_error(request: Request, exc: failures.DatabaseError) -> Response:
        # Unreachable, read-only or full: a 503 that says which, with Retry-After; no audit row
        # (the database is what failed). Any other database error is a bug, answered as one.
        fault = failures.classify(exc)
        if fault is None:
            return await unexpected(request, exc)
        return _answer(request, fault.status, fault.code, fault.message, dict(fault.headers))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        # Pydantic's errors carry the offending input, and `loc` can carry an unknown field's
        # name: keep only the type, and the location of declared fields.
        fields = []
        for err in exc.errors():
            loc = [str(part) for part in err.get("loc", ())]
            if err.get("type") in ("extra_forbidden", "json_invalid"):
                loc = loc[:1]
            fields.append({"loc": loc, "type": str(err.get("type", "invalid"))})
        return _answer(request, 422, "validation_error", "The request is not valid.", extra={"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code, message = _HTTP_CODES.get(exc.status_code, ("error", "The request failed."))
        return _answer(request, exc.status_code, code, message, exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Route errors end in RequestGuard; this is the last resort for anything outside it.
        log_crash(request.method, request.url.path, request.state.request_id, exc)
        return _answer(request, 500, *INTERNAL_ERROR)

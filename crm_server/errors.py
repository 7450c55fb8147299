"""Errors the services raise; the API turns each into its status and JSON body in one place.

Messages are fixed texts: they never carry request input, report text or identity.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class AuditNote(NamedTuple):
    operator: str | None
    action: str
    outcome: str
    report_number: str | None = None


class ApiError(Exception):
    status = 400
    code = "bad_request"
    message = "The request is not valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        audit: AuditNote | None = None,
        **extra: Any,
    ):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.headers = headers or {}
        self.extra = extra
        # Written by the API's error handler after the request's own transaction rolled back.
        self.audit = audit


class Unauthorized(ApiError):
    status, code, message = 401, "unauthorized", "Sign in again: the token is missing, invalid or expired."


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "Your role may not do this."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found."


class Conflict(ApiError):
    status, code, message = 409, "conflict", "The report is not in a state that allows this."


class PreconditionFailed(ApiError):
    status, code, message = 412, "precondition_failed", "The report changed since you loaded it."


class Unprocessable(ApiError):
    status, code, message = 422, "validation_error", "The request is not valid."


class PreconditionRequired(ApiError):
    status, code, message = 428, "precondition_required", "Send If-Match with the report's ETag."


class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "The request body is too large."


class UnsupportedMediaType(ApiError):
    status, code, message = 415, "unsupported_media_type", "Only JPEG and PNG photos are accepted."


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "Too many attempts; wait and try again."


class DatabaseUnavailable(ApiError):
    status, code, message = 503, "database_unavailable", "The database is not answering; try again shortly."


class DatabaseReadOnly(ApiError):
    status, code, message = 503, "database_read_only", "The database accepts no changes now; try again later."


class DatabaseFull(ApiError):
    status, code, message = 503, "database_full", "The database has no room left; try again later."


class TooManyStreams(ApiError):
    status, code, message = 503, "too_many_streams", "Too many event streams are open; try again shortly."

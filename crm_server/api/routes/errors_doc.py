"""The error responses each route declares in the OpenAPI document. Routes that take a JSON body
declare 400 (a body that is not JSON text at all) and 413 (over the size limit) too."""

from __future__ import annotations

from crm_server.schemas import ConflictBody, ErrorBody, PreconditionFailedBody, ValidationErrorBody

_MODELS = {409: ConflictBody, 412: PreconditionFailedBody, 422: ValidationErrorBody}


def errors(*codes: int) -> dict:
    return {code: {"model": _MODELS.get(code, ErrorBody)} for code in codes}


# Every route that reads or writes the database: unreachable, read-only or full, with Retry-After.
DATABASE_FAULT: dict = {
    503: {
        "model": ErrorBody,
        "description": "The database failed: `database_unavailable` (unreachable or too slow), "
        "`database_read_only` or `database_full`. Retry after the seconds in Retry-After.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    }
}

# GET /events: a database fault, or as many streams open as the caller or the server allows.
STREAM_REFUSED: dict = {
    503: {
        **DATABASE_FAULT[503],
        "description": DATABASE_FAULT[503]["description"]
        + " Or `too_many_streams`: the caller, or this server, has as many event streams open as allowed.",
    }
}

"""How every write route answers: one write transaction with its idempotency record, and the
report's version as its ETag."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import Connection

from crm_server.services import idempotency
from crm_server.services.principal import Principal
from crm_server.services.report_changes import etag
from crm_server.storage.engine import Database

_JSON = "application/json"


def report_response(body: str, status_code: int, version: int) -> Response:
    return Response(body, status_code=status_code, media_type=_JSON, headers={"ETag": etag(version)})


def idempotent_write(
    request: Request,
    db: Database,
    who: Principal,
    key: str | None,
    fingerprint: dict,
    status_code: int,
    work: Callable[[Connection], BaseModel],
) -> Response:
    """Runs `work` in one write transaction with its idempotency record: a retry with the same
    key returns the stored outcome; the same key with another request (`fingerprint`: the body,
    or what stands for it) is a 422."""
    tried = idempotency.attempt(idempotency.operator_scope(who), key, request.method, request.url.path, fingerprint)
    stored = idempotency.once(db, tried, status_code, lambda conn: work(conn).model_dump_json())
    version = json.loads(stored.body).get("version")
    if version is None:
        return Response(stored.body, status_code=stored.status_code, media_type=_JSON)
    return report_response(stored.body, stored.status_code, version)

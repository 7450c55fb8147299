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
    digest = idempotency.request_hash(request.method, request.url.path, fingerprint)
    if key is not None:
        idempotency.check_key(key)
    with db.write() as conn:
        stored = idempotency.replay(conn, who, key, digest) if key is not None else None
        if stored is not None:
            payload, code = stored.body, stored.status_code
        else:
            payload, code = work(conn).model_dump_json(), status_code
            if key is not None:
                idempotency.remember(conn, who, key, digest, code, payload)
    version = json.loads(payload).get("version")
    if version is None:
        return Response(payload, status_code=code, media_type=_JSON)
    return report_response(payload, code, version)

"""Idempotency-Key: a retried write returns the first outcome instead of applying twice."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import Connection, select

from crm_server.clock import now
from crm_server.errors import Unprocessable
from crm_server.services.principal import Principal
from crm_server.storage.schema import idempotency

MAX_KEY_CHARS = 200
KEY_PATTERN = r"^[!-~]{1,200}$"  # visible ASCII: what an HTTP header carries as it is sent
_KEY = re.compile(r"[!-~]{1,200}")


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: str


def request_hash(method: str, path: str, body: dict) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if _KEY.fullmatch(key) is None:
        raise Unprocessable("The Idempotency-Key header is not valid.")


def replay(conn: Connection, who: Principal, key: str, digest: str) -> Stored | None:
    row = conn.execute(
        select(idempotency.c.request_hash, idempotency.c.status_code, idempotency.c.response).where(
            idempotency.c.operator_id == who.id, idempotency.c.key == key
        )
    ).one_or_none()
    if row is None:
        return None
    if row.request_hash != digest:
        raise Unprocessable("This Idempotency-Key was already used for a different request.")
    return Stored(row.status_code, row.response)


def remember(conn: Connection, who: Principal, key: str, digest: str, status_code: int, body: str) -> None:
    conn.execute(
        idempotency.insert().values(
            operator_id=who.id, key=key, request_hash=digest, status_code=status_code, response=body, created_at=now()
        )
    )

"""Idempotency-Key: a retried write returns the first outcome instead of applying twice.

A key names one request within its scope alone: an operator's keys (the operator API), or an
intake key's (the citizen channels); each scope has its table, of the same columns but the owner.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, select

from crm_server.clock import now
from crm_server.errors import Unprocessable
from crm_server.services.principal import Principal
from crm_server.storage.engine import Database
from crm_server.storage.schema import idempotency, intake_idempotency

MAX_KEY_CHARS = 200
KEY_PATTERN = r"^[!-~]{1,200}$"  # visible ASCII: what an HTTP header carries as it is sent
_KEY = re.compile(r"[!-~]{1,200}")


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: str


@dataclass(frozen=True)
class Scope:
    """Whose keys: `owner` is the owner column of the table that remembers them."""

    owner: Column[Any]
    owner_id: int | str


def operator_scope(who: Principal) -> Scope:
    return Scope(idempotency.c.operator_id, who.id)


def intake_scope(intake_key_hash: str) -> Scope:
    return Scope(intake_idempotency.c.intake_key_hash, intake_key_hash)


@dataclass(frozen=True)
class Attempt:
    """One request that carried a key: the key, in its scope, and the request's digest."""

    scope: Scope
    key: str
    digest: str


def request_hash(method: str, path: str, body: dict) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if _KEY.fullmatch(key) is None:
        raise Unprocessable("The Idempotency-Key header is not valid.")


def attempt(scope: Scope, key: str | None, method: str, path: str, fingerprint: dict) -> Attempt | None:
    """The attempt a request with `key` makes (None without a key); 422 for a key not valid."""
    if key is None:
        return None
    check_key(key)
    return Attempt(scope, key, request_hash(method, path, fingerprint))


def replay(conn: Connection, tried: Attempt) -> Stored | None:
    table, scope = tried.scope.owner.table, tried.scope
    row = conn.execute(
        select(table.c.request_hash, table.c.status_code, table.c.response).where(
            scope.owner == scope.owner_id, table.c.key == tried.key
        )
    ).one_or_none()
    if row is None:
        return None
    if row.request_hash != tried.digest:
        raise Unprocessable("This Idempotency-Key was already used for a different request.")
    return Stored(row.status_code, row.response)


def remember(conn: Connection, tried: Attempt, status_code: int, body: str) -> None:
    scope = tried.scope
    conn.execute(
        scope.owner.table.insert().values(
            {
                scope.owner.name: scope.owner_id,
                "key": tried.key,
                "request_hash": tried.digest,
                "status_code": status_code,
                "response": body,
                "created_at": now(),
            }
        )
    )


def once(db: Database, tried: Attempt | None, status_code: int, work: Callable[[Connection], str]) -> Stored:
    """Runs `work` in one write transaction with its record: a retry of the attempt returns the
    stored outcome; the same key with another request is a 422. An error is not remembered (its
    transaction rolls back): a retry runs again."""
    with db.write() as conn:
        stored = replay(conn, tried) if tried is not None else None
        if stored is not None:
            return stored
        body = work(conn)
        if tried is not None:
            remember(conn, tried, status_code, body)
    return Stored(status_code, body)

"""The citizen channel's keys: made by the CLI, checked before a request's body is read.

A missing key and a wrong one are refused alike (401, one message), each refusal audited with
the client's address; an address with INTAKE_FAILURES_PER_ADDRESS refusals in the window waits
(429) without its key being looked at. Keys are random and long: the throttle is not against
guessing, but against an address filling the audit trail and the database's write turn.
"""

from __future__ import annotations

from sqlalchemy import select

from crm_server.clock import now
from crm_server.errors import RateLimited, Unauthorized
from crm_server.security import new_token, token_digest
from crm_server.services import audit
from crm_server.services.failure_window import wait_seconds
from crm_server.storage.engine import Database
from crm_server.storage.schema import audit as audit_rows
from crm_server.storage.schema import intake_keys

MAX_KEY_CHARS = 200
INTAKE_FAILURES_PER_ADDRESS = 30
INTAKE_FAILURE_WINDOW_SECONDS = 300
DENIED, BAD_KEY, REFUSED = "intake_denied", "bad_key", "rate_limited"


def new_intake_key(db: Database) -> str:
    key = new_token()
    with db.write() as conn:
        conn.execute(intake_keys.insert().values(key_hash=token_digest(key), created_at=now()))
    return key


def _known(db: Database, key: str | None) -> bool:
    if not key or len(key) > MAX_KEY_CHARS or not key.isascii():
        return False
    with db.read() as conn:
        found = conn.scalars(select(intake_keys.c.key_hash).where(intake_keys.c.key_hash == token_digest(key))).first()
    return found is not None


def admit(db: Database, key: str | None, address: str | None) -> None:
    """Returns when the key is valid; raises RateLimited or Unauthorized (both audited)."""
    at = now()
    address = address[:64] if address else None
    with db.read() as conn:
        wait = wait_seconds(
            conn,
            at,
            INTAKE_FAILURES_PER_ADDRESS,
            INTAKE_FAILURE_WINDOW_SECONDS,
            audit_rows.c.action == DENIED,
            audit_rows.c.outcome == BAD_KEY,
            audit_rows.c.address == address,
        )
    if wait is not None:
        audit.record_alone(db, None, DENIED, REFUSED, address=address)
        raise RateLimited(headers={"Retry-After": str(wait)})
    if not _known(db, key):
        audit.record_alone(db, None, DENIED, BAD_KEY, address=address)
        raise Unauthorized("The intake key is missing or not valid.")

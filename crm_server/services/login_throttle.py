"""Slowing down password guessing without letting anyone lock an operator out.

Counted from the audit trail, so every server process on the database sees the same counts:

- per (username, address): LOGIN_FAILURES_PER_PAIR failures in the window, since that pair's
  last success, then 429 from that address for that username;
- per address, across usernames (password spraying: one guess at many usernames):
  LOGIN_FAILURES_PER_ADDRESS failures in the window, then 429 from that address for any username.
  A success does not reset it: an attacker with one account of their own would reset it at will.

Nothing is counted per username across addresses: that count is what let anyone lock an
operator out (a correct password from an address with no failures of its own always gets in).
It raises an alert instead: an `alert` row in the audit trail (`crm-server audit --alerts`) and
a warning in the server log, once a window, when a username has LOGIN_ALERT_FAILURES failed
attempts (wrong passwords and refusals together) from any addresses, and when an address
exhausts its budget. A refused attempt is audited with its address.
"""

from __future__ import annotations

import logging

from sqlalchemy import ColumnElement, Connection, func, select

from crm_server.clock import now
from crm_server.errors import RateLimited
from crm_server.services import audit
from crm_server.services.failure_window import wait_seconds
from crm_server.storage.engine import Database
from crm_server.storage.schema import audit as audit_rows

log = logging.getLogger("crm_server.security")

LOGIN_FAILURES_PER_PAIR = 10
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_ALERT_FAILURES = 20
LOGIN_FAILURE_WINDOW_SECONDS = 300

FAILED, WRONG, REFUSED = "login_failed", "bad_credentials", "rate_limited"
UNDER_ATTACK, SPRAYING = "account_under_attack", "password_spraying"


_WRONG_PASSWORD = (audit_rows.c.action == FAILED, audit_rows.c.outcome == WRONG)


def _wait(conn: Connection, at: int, limit: int, *where: ColumnElement[bool]) -> int | None:
    return wait_seconds(conn, at, limit, LOGIN_FAILURE_WINDOW_SECONDS, *_WRONG_PASSWORD, *where)


def check(db: Database, username: str, address: str | None) -> None:
    """429 (audited with the address) when this address has used up its failures, for this
    username or for all of them."""
    at = now()
    pair_success = (
        select(func.coalesce(func.max(audit_rows.c.id), 0))
        .where(audit_rows.c.operator == username, audit_rows.c.address == address, audit_rows.c.action == "login")
        .scalar_subquery()
    )
    with db.read() as conn:
        wait = _wait(
            conn,
            at,
            LOGIN_FAILURES_PER_PAIR,
            audit_rows.c.operator == username,
            audit_rows.c.address == address,
            audit_rows.c.id > pair_success,
        ) or _wait(conn, at, LOGIN_FAILURES_PER_ADDRESS, audit_rows.c.address == address)
    if wait is None:
        return
    with db.write() as conn:
        audit.record(conn, username, FAILED, REFUSED, address=address)
        _alert_if_under_attack(conn, username, at)
    raise RateLimited(headers={"Retry-After": str(wait)})


def failed(db: Database, username: str, address: str | None) -> None:
    """A wrong password (or an unknown username), audited; and an alert when it is one too many."""
    at = now()
    with db.write() as conn:
        audit.record(conn, username, FAILED, WRONG, address=address)
        _alert_if_under_attack(conn, username, at)
        _alert_if_spraying(conn, address, at)


def _alerted(conn: Connection, at: int, *where: ColumnElement[bool]) -> bool:
    since = at - LOGIN_FAILURE_WINDOW_SECONDS
    row = conn.execute(
        select(audit_rows.c.id).where(audit_rows.c.action == audit.ALERT, audit_rows.c.at > since, *where).limit(1)
    ).first()
    return row is not None


def _alert_if_under_attack(conn: Connection, username: str, at: int) -> None:
    attempts = conn.execute(
        select(func.count(), func.count(func.distinct(audit_rows.c.address))).where(
            audit_rows.c.operator == username,
            audit_rows.c.action == FAILED,
            audit_rows.c.at > at - LOGIN_FAILURE_WINDOW_SECONDS,
        )
    ).one()
    if attempts[0] < LOGIN_ALERT_FAILURES or _alerted(
        conn, at, audit_rows.c.operator == username, audit_rows.c.outcome == UNDER_ATTACK
    ):
        return
    audit.record(conn, username, audit.ALERT, UNDER_ATTACK)
    log.warning(
        "alert: account %s under attack: %d failed sign-ins from %d addresses in %d s",
        ascii(username),
        attempts[0],
        attempts[1],
        LOGIN_FAILURE_WINDOW_SECONDS,
    )


def _alert_if_spraying(conn: Connection, address: str | None, at: int) -> None:
    failures = conn.scalar(
        select(func.count()).where(
            *_WRONG_PASSWORD, audit_rows.c.at > at - LOGIN_FAILURE_WINDOW_SECONDS, audit_rows.c.address == address
        )
    )
    if (failures or 0) < LOGIN_FAILURES_PER_ADDRESS or _alerted(
        conn, at, audit_rows.c.address == address, audit_rows.c.outcome == SPRAYING
    ):
        return
    audit.record(conn, None, audit.ALERT, SPRAYING, address=address)
    log.warning(
        "alert: password spraying from %s: %d failed sign-ins in %d s",
        ascii(address),
        failures,
        LOGIN_FAILURE_WINDOW_SECONDS,
    )

"""The append-only audit trail: who did what to which report number, and how it ended.
It never holds report text or reporter identity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from crm_server.clock import now
from crm_server.storage.engine import Database
from crm_server.storage.schema import audit


def record(
    conn: Connection,
    operator: str | None,
    action: str,
    outcome: str,
    report_number: str | None = None,
    *,
    address: str | None = None,
) -> None:
    conn.execute(
        audit.insert().values(
            at=now(),
            operator=operator,
            action=action,
            report_number=report_number,
            outcome=outcome,
            address=address[:64] if address else None,
        )
    )


def record_alone(
    db: Database,
    operator: str | None,
    action: str,
    outcome: str,
    report_number: str | None = None,
    *,
    address: str | None = None,
) -> None:
    """The audit row in a transaction of its own: a view's (after its read), or an outcome that
    ends a request with an error (after the request's own transaction rolled back). An append,
    which waits for no write on PostgreSQL; if it fails, the request answers that failure."""
    with db.append() as conn:
        record(conn, operator, action, outcome, report_number, address=address)


ALERT = "alert"  # the action of the rows that call for an administrator (crm-server audit --alerts)


def rows(
    db: Database,
    *,
    report_number: str | None = None,
    operator: str | None = None,
    since: int | None = None,
    alerts: bool = False,
    limit: int = 1000,
) -> Sequence[Row[Any]]:
    """The newest `limit` rows that match, newest first."""
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if report_number:
        query = query.where(audit.c.report_number == report_number)
    if operator:
        query = query.where(audit.c.operator == operator)
    if since is not None:
        query = query.where(audit.c.at >= since)
    if alerts:
        query = query.where(audit.c.action == ALERT)
    with db.read() as conn:
        return conn.execute(query).all()

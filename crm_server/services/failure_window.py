"""Counting recent failures in the audit trail, for the throttles (sign-in, intake): the same
counts in every server process on the database."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, select

from crm_server.storage.schema import audit


def wait_seconds(conn: Connection, at: int, limit: int, window: int, *where: ColumnElement[bool]) -> int | None:
    """Seconds until the oldest of the newest `limit` matching rows of the last `window` seconds
    leaves the window, or None when fewer than `limit` match: how long a throttled client waits."""
    times = conn.scalars(
        select(audit.c.at).where(audit.c.at > at - window, *where).order_by(audit.c.at.desc()).limit(limit)
    ).all()
    if len(times) < limit:
        return None
    return max(1, times[-1] + window - at)

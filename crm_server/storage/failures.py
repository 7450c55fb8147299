"""Which database failure an exception is: unreachable (or too slow), read-only, or full. The API
answers each with a 503 of its own code (api/error_handlers.py); anything else stays a crash.

Decided by error codes alone, never by the driver's message (it can quote SQL and values)."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from crm_server.errors import ApiError, DatabaseFull, DatabaseReadOnly, DatabaseUnavailable

# SQLite primary result codes (the low byte of an extended code).
_SQLITE = {
    sqlite3.SQLITE_FULL: DatabaseFull,
    sqlite3.SQLITE_READONLY: DatabaseReadOnly,
    sqlite3.SQLITE_CANTOPEN: DatabaseUnavailable,
    sqlite3.SQLITE_IOERR: DatabaseUnavailable,
    sqlite3.SQLITE_BUSY: DatabaseUnavailable,  # the busy timeout ran out
    sqlite3.SQLITE_LOCKED: DatabaseUnavailable,
    sqlite3.SQLITE_NOTADB: DatabaseUnavailable,
}
# PostgreSQL SQLSTATEs: exact codes first, then their class (the first two characters).
_PG_STATES = {
    "53100": DatabaseFull,  # disk_full
    "25006": DatabaseReadOnly,  # read_only_sql_transaction (a standby, or default_transaction_read_only)
    "57014": DatabaseUnavailable,  # query_canceled: statement_timeout ran out
    "55P03": DatabaseUnavailable,  # lock_not_available: lock_timeout ran out
}
_PG_CLASSES = {
    "08": DatabaseUnavailable,  # connection exceptions
    "53": DatabaseUnavailable,  # insufficient resources: out of memory, too many connections
    "57": DatabaseUnavailable,  # operator intervention: shutting down, cannot connect now
}
# What the API catches as "the database failed": the storage layer names it, so no layer above
# imports the driver's toolkit.
DatabaseError = SQLAlchemyError
RETRY_AFTER_SECONDS = {DatabaseUnavailable: 5, DatabaseReadOnly: 30, DatabaseFull: 60}


def classify(exc: SQLAlchemyError) -> ApiError | None:
    """The 503 for a database failure, or None for an error of another kind (a bug)."""
    fault = _kind(exc)
    if fault is None:
        return None
    return fault(headers={"Retry-After": str(RETRY_AFTER_SECONDS[fault])})


def _kind(exc: SQLAlchemyError) -> type[ApiError] | None:
    if isinstance(exc, PoolTimeout):  # every pooled connection stayed checked out past pool_timeout
        return DatabaseUnavailable
    if not isinstance(exc, DBAPIError):
        return None
    original = exc.orig
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return _SQLITE.get(code & 0xFF) if isinstance(code, int) else None
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str):
        return _PG_STATES.get(state) or _PG_CLASSES.get(state[:2])
    # No SQLSTATE: the driver could not reach the server, or lost it (refused, timed out, closed);
    # SQLAlchemy flags a lost connection and drops the pool's others with it.
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return DatabaseUnavailable
    return None

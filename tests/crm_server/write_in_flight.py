"""A write held inside a running server: the test takes the database's write lock, the server's
write waits for it, and the test sees it waiting; released when the test is done with it."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy.engine import make_url

from crm_server.storage.engine import WRITE_LOCK_KEY
from tests.crm_server.helpers import Api

_CHECKED_OUT = re.compile(r"^db_pool_connections_checked_out (\d+)", re.MULTILINE)


@contextmanager
def write_lock_held(db: str) -> Iterator[None]:
    """The lock every write of the server at `db` takes first, held until the block ends:
    SQLite's write lock (BEGIN IMMEDIATE on the file), PostgreSQL's advisory lock."""
    if "://" in db:
        import psycopg

        conninfo = make_url(db).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            yield
            conn.rollback()
        return
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def until_a_write_waits(api: Api, *, deadline: float = 10.0) -> None:
    """Returns once the server holds a database connection on three scrapes of /metrics in a
    row: a write waiting for the lock holds one throughout, the event reader's reads hold one
    for a moment each. Each scrape on a connection of its own: with several processes, it
    reaches either."""
    ends = time.monotonic() + deadline
    in_a_row = 0
    while in_a_row < 3:
        assert time.monotonic() < ends, "no write waits in the server"
        found = _CHECKED_OUT.search(httpx.get(f"{api.server.base_url}/metrics", timeout=10).text)
        in_a_row = in_a_row + 1 if found and int(found.group(1)) > 0 else 0
        time.sleep(0.02)

"""Connections: SQLite by default (WAL, busy timeout, BEGIN IMMEDIATE for writes), or PostgreSQL
(writes take one advisory lock, so they run one at a time as on SQLite)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, text
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 30_000
# PostgreSQL: no request waits on the database without end. A statement the server runs longer
# is cancelled; a connection not made in time, or none free in the pool in time, fails; a server
# that stops answering (frozen: it cancels nothing) has the connection cut, a margin after the
# statement timeout (storage/deadline.py). Each becomes a 503 (storage/failures.py).
STATEMENT_TIMEOUT_S = 15.0
DEADLINE_MARGIN_S = 2.0  # a cancelled statement's answer comes in milliseconds; this is for a loaded host
CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 10.0
# Connections a process may hold: POOL_SIZE kept open, up to MAX_OVERFLOW more under a burst.
POOL_SIZE = 8
MAX_OVERFLOW = 16
# SQLite: one page-cache budget for the process, shared out over every connection the pool may
# hold. Each connection has a cache of its own that fills as it reads, up to its size, and keeps
# it: at 64 MiB each, a server on 100,000 reports under benchmarks/memory_soak.py went from
# 86 MiB to 330 at minute 1 and 403 at minute 5. Pages not in a connection's cache come from the
# OS's file cache, which every connection and process shares. (A smaller pool would bound it
# too, but requests run on up to 40 threads and event streams hold connections while they poll:
# they would queue for one.)
SQLITE_CACHE_BUDGET_KIB = 64 * 1024
SQLITE_CACHE_KIB = SQLITE_CACHE_BUDGET_KIB // (POOL_SIZE + MAX_OVERFLOW)
_WRITE = "crm_write"
_BULK_PRAGMAS = {"cache_size": -512 * 1024, "synchronous": 0}  # 512 MiB; OFF
# PostgreSQL, for the load's transaction alone: no statement timeout (a load may run longer than
# any request should), and memory to build its indexes in (the default 64 MB makes a GIN index
# over a million reports spill to disk).
_BULK_SETTINGS = {"statement_timeout": "0", "maintenance_work_mem": "'256MB'"}
# PostgreSQL: the advisory lock every write transaction takes first (any constant of our own).
WRITE_LOCK_KEY = 0x43524D5F57  # "CRM_W"
_TAKE_WRITE_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=WRITE_LOCK_KEY)


class Database:
    """One engine per process. `read()` and `write()` are the only ways in."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # SQLite takes one writer at a time. Writers of this process queue here, and the next one
        # starts the moment the last commits; in SQLite's busy handler they would poll with
        # sleeps of up to 100 ms (other processes still meet the busy timeout).
        self._write_turn = threading.RLock() if self.is_sqlite else contextlib.nullcontext()
        if self.is_sqlite:
            _configure_sqlite(engine)

    @classmethod
    def open(cls, url_or_path: str | Path, *, statement_timeout_s: float = STATEMENT_TIMEOUT_S) -> Database:
        """`statement_timeout_s`: PostgreSQL, how long a statement may run; a connection is made
        within it too (at most CONNECT_TIMEOUT_S), and one that has not answered a margin after
        it is cut."""
        url = str(url_or_path)
        if "://" not in url:
            url = f"sqlite:///{Path(url).resolve()}"
        if url.startswith("sqlite"):
            connect_args: dict[str, Any] = {"check_same_thread": False}
        else:
            connect_args = {
                "connect_timeout": min(CONNECT_TIMEOUT_S, max(2, round(statement_timeout_s))),  # libpq's least: 2
                "options": f"-c statement_timeout={round(statement_timeout_s * 1000)}",
            }
        # pool_pre_ping: a connection the server dropped (a restart) is replaced before use, so the
        # first request after the database is back succeeds.
        engine = create_engine(
            url,
            connect_args=connect_args,
            pool_size=POOL_SIZE,
            max_overflow=MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            pool_pre_ping=not url.startswith("sqlite"),
        )
        if engine.dialect.driver == "psycopg":
            _watch_connections(engine, statement_timeout_s + DEADLINE_MARGIN_S)
        return cls(engine)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, which runs alone: writes check and then change (a version, an
        idempotency key, the day's next report number), and rely on no other write coming in
        between. On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a deferred
        transaction that reads and then writes fails at once with SQLITE_BUSY when another
        connection committed in between, whatever the busy timeout. On PostgreSQL it takes an
        advisory lock held until it ends, across every server process on the database; each
        statement after it sees what the writes before it committed (READ COMMITTED). Reads
        never wait for it."""
        with self._write_turn, self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                self._take_write_lock(conn)
                yield conn

    @contextmanager
    def append(self) -> Iterator[Connection]:
        """A short transaction that only adds rows which no write checks before it changes (the
        audit trail): it needs none of `write()`'s ordering. On PostgreSQL it takes no advisory
        lock, so it runs beside the writes of every process and waits for none of them. SQLite
        has one writer per file: there it is `write()`, whose in-process turn is the quickest way
        to wait for the file."""
        if self.is_sqlite:
            with self.write() as conn:
                yield conn
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _take_write_lock(self, conn: Connection) -> None:
        if not self.is_sqlite:
            conn.execute(_TAKE_WRITE_LOCK)

    @contextmanager
    def bulk_write(self) -> Iterator[Connection]:
        """A write transaction for loading many rows at once (demo seeding). On SQLite its
        connection gets a page cache large enough to sort indexes in memory, and synchronous=OFF,
        so neither its commit nor the checkpoint that follows waits for fsync. A crash of this
        process loses at most the load; an OS crash or power cut before the OS has written the
        file back can damage it, which suits demo data that can be seeded again, and nothing
        else. The connection's settings are restored before it goes back to the pool."""
        with self._write_turn, self.engine.connect() as conn:
            # PRAGMAs through the DB-API connection: outside any transaction, as `synchronous` needs.
            raw = conn.connection.dbapi_connection if self.is_sqlite else None
            saved = {}
            if raw is not None:
                for pragma, value in _BULK_PRAGMAS.items():
                    saved[pragma] = raw.execute(f"PRAGMA {pragma}").fetchone()[0]
                    raw.execute(f"PRAGMA {pragma}={value}")
            try:
                conn.execution_options(**{_WRITE: True})
                with unwatched(conn), conn.begin():
                    self._take_write_lock(conn)
                    if not self.is_sqlite:
                        for setting, setting_value in _BULK_SETTINGS.items():
                            conn.exec_driver_sql(f"SET LOCAL {setting} = {setting_value}")
                    yield conn
            finally:
                if raw is not None:
                    for pragma, value in saved.items():
                        raw.execute(f"PRAGMA {pragma}={int(value)}")

    def pool_use(self) -> tuple[int, int] | None:
        """Connections checked out now, and how many the pool keeps (more may overflow); None
        for a pool that counts none."""
        pool = self.engine.pool
        if isinstance(pool, QueuePool):
            return pool.checkedout(), pool.size()
        return None

    def dispose(self) -> None:
        self.engine.dispose()


def _watch_connections(engine: Engine, answer_within: float) -> None:
    """Every PostgreSQL connection of `engine` has its waits for the server cut at
    `answer_within` seconds (storage/deadline.py)."""
    from crm_server.storage.deadline import WatchedConnection

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams) -> WatchedConnection:  # noqa: ANN001
        conn = WatchedConnection.connect(*cargs, **cparams)
        conn.answer_within = answer_within
        return conn


@contextmanager
def unwatched(conn: Connection) -> Iterator[None]:
    """For maintenance that turns the statement timeout off (a bulk load, VACUUM): its waits
    are not cut either, until the block ends."""
    raw = conn.connection.dbapi_connection
    limit = getattr(raw, "answer_within", None)
    if raw is None or limit is None:  # SQLite, or not watched
        yield
        return
    raw.answer_within = None
    try:
        yield
    finally:
        raw.answer_within = limit


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred-only).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # negative: KiB, not pages
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT added."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the statement inserted no row")
    return int(key[0])

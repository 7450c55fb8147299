"""The reports' full-text index on SQLite: an FTS5 trigram table kept in step by triggers.

A trigram index answers substring search (`q`, three characters or more) in the number, title,
description and address without reading every report. `reports` is its external content, so the
text is stored once. Everything here is SQLite-only; other engines search with LIKE.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Select, literal_column, select, text

TABLE = "reports_fts"
COLUMNS = ("title", "description", "address", "number")

_COLS = ", ".join(COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)

CREATE = f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_COLS}, content='reports', content_rowid='id', tokenize='trigram')"
TRIGGERS = (
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON reports BEGIN"
    f" INSERT INTO {TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW}); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON reports BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF {_COLS} ON reports BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});"
    f" INSERT INTO {TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW}); END",
)
TRIGGER_NAMES = (f"{TABLE}_ai", f"{TABLE}_ad", f"{TABLE}_au")

# FTS5's own defaults, restored after a bulk load.
_DEFAULTS = {"automerge": 4, "crisismerge": 16, "hashsize": 1024 * 1024}
# While bulk loading: no incremental merging, and pending terms flushed 128 MiB at a time, so a
# rebuild writes a few large segments instead of hundreds of small ones merged over and over.
_BULK = {"automerge": 0, "crisismerge": 1_000_000, "hashsize": 128 * 1024 * 1024}


def create(conn: Connection) -> None:
    conn.exec_driver_sql(CREATE)
    for ddl in TRIGGERS:
        conn.exec_driver_sql(ddl)


def _config(conn: Connection, key: str, value: int) -> None:
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('{key}', {int(value)})")


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """Inside: rows inserted into `reports` are not indexed one by one (the triggers are off).
    On the way out the index is rebuilt in one pass over the table, with merging off and a large
    pending-terms buffer: at a million reports that took half the time of a rebuild with FTS5's
    default settings here, and leaves a handful of segments, which read as fast as one."""
    for name in TRIGGER_NAMES:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    for key, value in _BULK.items():
        _config(conn, key, value)
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    for key, value in _DEFAULTS.items():
        _config(conn, key, value)
    for ddl in TRIGGERS:
        conn.exec_driver_sql(ddl)


def phrase(q: str) -> str:
    """`q` as one FTS5 phrase: a substring to find, whatever characters it holds."""
    return '"' + q.replace('"', '""') + '"'


def matching_ids(q: str, limit: int | None) -> Select:
    """Ids of reports whose text contains `q` (three characters or more), at most `limit`
    (None: all of them)."""
    return (
        select(literal_column("rowid"))
        .select_from(text(TABLE))
        .where(text(f"{TABLE} MATCH :phrase").bindparams(phrase=phrase(q)))
        .limit(limit)
    )

"""The reports' substring-search indexes on PostgreSQL: pg_trgm GIN indexes over the same columns
as SQLite's FTS5 table (storage/fts.py), created by migration 2.

A GIN index takes every trigram of a row's text as a key. Loading many rows, the indexes are set
aside and built once afterwards, by sorting the keys, instead of being updated row by row
(seeding 100,000 reports took 114 s with them kept, 109 s with them set aside).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

_TRIGRAM_INDEXES = text(
    "SELECT indexname, indexdef FROM pg_indexes"
    " WHERE schemaname = current_schema() AND tablename = 'reports' AND indexdef LIKE '%gin_trgm_ops%'"
)


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """Inside: the trigram indexes are gone, so a row inserted into `reports` updates none of
    them. On the way out each is created again from the definition it had, so whatever migration
    made it decides its shape. On failure the transaction's rollback restores them."""
    found = conn.execute(_TRIGRAM_INDEXES).all()
    for name, _definition in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, definition in found:
        conn.exec_driver_sql(definition)

"""Bring a database to a usable state: schema, then reference data. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from crm_server.reference.agency_tree import agency_rows
from crm_server.reference.jakarta import CATEGORIES
from crm_server.storage.engine import Database
from crm_server.storage.migrations import migrate
from crm_server.storage.schema import agencies, categories


def initialise(db: Database) -> int:
    """Returns the schema version."""
    version = migrate(db)
    with db.write() as conn:
        have = set(conn.scalars(select(agencies.c.code)))
        # Parents come before children in agency_rows(), as the foreign key needs.
        new = [row.__dict__ for row in agency_rows() if row.code not in have]
        if new:
            conn.execute(agencies.insert(), new)
        have = set(conn.scalars(select(categories.c.code)))
        new = [{"code": c.code, "name": c.name, "dinas_code": c.dinas} for c in CATEGORIES if c.code not in have]
        if new:
            conn.execute(categories.insert(), new)
    return version

"""Versioned schema migrations. Append new steps; never edit one that has shipped."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

from sqlalchemy import Connection, inspect, text

from crm_server.storage import fts, tallies
from crm_server.storage.engine import Database
from crm_server.storage.schema import (
    AGENCY_CLOSED_AT_INDEX,
    CLOSED_AT_INDEX,
    OPEN_INDEX,
    daily_tallies,
    evidence,
    follow_ups,
    handoffs,
    intake_idempotency,
    metadata,
    open_tallies,
    response_templates,
)


def _v1_initial(conn: Connection, db: Database) -> None:
    metadata.create_all(conn)
    if db.is_sqlite:
        # Trigram FTS answers substring search (`q`) without scanning every report.
        fts.create(conn)


def _v2_postgres_trigram_indexes(conn: Connection, db: Database) -> None:
    if not db.is_sqlite:
        # What FTS5's trigram table does on SQLite: substring search (ILIKE '%q%', three
        # characters or more) read from an index. pg_trgm ships with PostgreSQL and is trusted:
        # the database's owner may create it.
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in fts.COLUMNS:
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS reports_{column}_trgm ON reports USING gin ({column} gin_trgm_ops)"
            )


def _v3_audit_address(conn: Connection, db: Database) -> None:
    # Databases made before the column existed; those made since have it from the first step.
    if "address" not in {column["name"] for column in inspect(conn).get_columns("audit")}:
        conn.exec_driver_sql("ALTER TABLE audit ADD COLUMN address VARCHAR(64)")


def _v4_event_actor(conn: Connection, db: Database) -> None:
    # Databases made before the column existed; those made since have it from the first step.
    if "actor_id" in {column["name"] for column in inspect(conn).get_columns("events")}:
        return
    conn.exec_driver_sql("ALTER TABLE events ADD COLUMN actor_id INTEGER")
    # The events logged so far take their actor from the history row of the same change. Each
    # change wrote one history row and one event in one transaction, and writes run one at a
    # time: the newest events of a report and action pair off with the newest history rows of
    # that report and action. The oldest may have no partner (seeded history has no events, old
    # events are pruned), so they pair from the newest. `created` is always the intake: NULL.
    actors: defaultdict[tuple[int, str], deque[int]] = defaultdict(deque)
    for report_id, action, actor_id in conn.execute(
        text(
            "SELECT report_id, action, actor_id FROM history WHERE action <> 'created'"
            " AND report_id IN (SELECT report_id FROM events) ORDER BY id DESC"
        )
    ):
        actors[report_id, action].append(actor_id)
    updates = []
    for event_id, report_id, kind in conn.execute(
        text("SELECT id, report_id, type FROM events WHERE type <> 'created' ORDER BY id DESC")
    ):
        if actors[report_id, kind]:
            updates.append({"id": event_id, "actor": actors[report_id, kind].popleft()})
    if updates:
        conn.execute(text("UPDATE events SET actor_id = :actor WHERE id = :id"), updates)


def _v5_lifecycle(conn: Connection, db: Database) -> None:
    # Databases made before the lifecycle existed; those made since have it from the first step.
    columns = {column["name"] for column in inspect(conn).get_columns("reports")}
    if "routed_at" not in columns:
        conn.exec_driver_sql("ALTER TABLE reports ADD COLUMN routed_at INTEGER")
    if "closed" not in columns:
        # SQLite adds only a VIRTUAL generated column to a table that exists; it indexes it alike.
        kind = "VIRTUAL" if db.is_sqlite else "STORED"
        conn.exec_driver_sql(
            "ALTER TABLE reports ADD COLUMN closed SMALLINT"
            f" GENERATED ALWAYS AS (CASE WHEN status = 7 THEN 1 ELSE 0 END) {kind}"
        )
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_reports_due")
        conn.exec_driver_sql("CREATE INDEX ix_reports_due ON reports (closed, due_at, id)")
    metadata.create_all(conn, tables=[handoffs, follow_ups, evidence])  # only those missing


def _v6_audit_address_index(conn: Connection, db: Database) -> None:
    # Databases made before the index existed; those made since have it from the first step.
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_audit_address ON audit (address, at)")


def _v7_response_templates(conn: Connection, db: Database) -> None:
    # Databases made before the table existed; those made since have it from the first step.
    metadata.create_all(conn, tables=[response_templates])  # only if missing


def _v8_intake_idempotency(conn: Connection, db: Database) -> None:
    # Databases made before the table existed; those made since have it from the first step.
    metadata.create_all(conn, tables=[intake_idempotency])  # only if missing


def _v9_closed_at(conn: Connection, db: Database) -> None:
    # Databases made before the column existed; those made since have it from the first step.
    if "closed_at" not in {column["name"] for column in inspect(conn).get_columns("reports")}:
        conn.exec_driver_sql("ALTER TABLE reports ADD COLUMN closed_at INTEGER")
        # A Selesai report closed when its history last says it became Selesai.
        conn.exec_driver_sql(
            "UPDATE reports SET closed_at = (SELECT max(history.at) FROM history"
            " WHERE history.report_id = reports.id AND history.to_status = 7) WHERE status = 7"
        )
    for index in (CLOSED_AT_INDEX, AGENCY_CLOSED_AT_INDEX, OPEN_INDEX):
        index.create(conn, checkfirst=True)


def _v10_tallies(conn: Connection, db: Database) -> None:
    # Databases made before the table existed: it starts as the sum of the reports they hold.
    metadata.create_all(conn, tables=[daily_tallies, open_tallies])  # only those missing, with their indexes
    tallies.rebuild(conn)


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection, Database], None]], ...] = (
    (1, "initial schema", _v1_initial),
    (2, "trigram indexes for text search on PostgreSQL", _v2_postgres_trigram_indexes),
    (3, "the client's address in the audit trail", _v3_audit_address),
    (4, "who made each change, in the event log", _v4_event_actor),
    (5, "the follow-up lifecycle: handoffs, follow-ups, evidence, the coordination deadline", _v5_lifecycle),
    (6, "an index of the audit trail by client address, for sign-in throttling", _v6_audit_address_index),
    (7, "response templates for closes, follow-up responses and validation rejections", _v7_response_templates),
    (8, "Idempotency-Key on the citizen channels, scoped to the intake key", _v8_intake_idempotency),
    (9, "when each report was closed, and an index of open reports, for the dashboard", _v9_closed_at),
    (10, "the dashboard's tallies: arrivals and closures per Jakarta day, open reports per holder", _v10_tallies),
)


def applied_version(conn: Connection) -> int:
    """The newest step this database has applied (what the health check reports)."""
    return conn.execute(text("SELECT max(version) FROM schema_migrations")).scalar_one()


def migrate(db: Database) -> int:
    """Bring the schema up to date; safe to run on every start. Returns the schema version."""
    with db.write() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
            )
        )
        done = {row[0] for row in conn.execute(text("SELECT version FROM schema_migrations"))}
        for version, name, step in MIGRATIONS:
            if version in done:
                continue
            step(conn, db)
            conn.execute(
                text("INSERT INTO schema_migrations VALUES (:v, :n, :t)"),
                {"v": version, "n": name, "t": int(time.time())},
            )
    return MIGRATIONS[-1][0]

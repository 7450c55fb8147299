"""The database under the server, on whichever engine this run uses (SQLite, or PostgreSQL with
CRM_TEST_DATABASE=postgresql): text search read from an index, and writes that run one at a time."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import text

from crm_server.storage import fts, trigram
from crm_server.storage.engine import Database
from tests.crm_server.helpers import audit_lines
from tests.support import postgres
from tests.support.cli import crm_server
from tests.support.server import query


def test_text_search_can_be_answered_from_an_index(api):
    db = api.server.db
    if db.startswith("postgresql"):
        names = {name for (name,) in query(db, "SELECT indexname FROM pg_indexes WHERE tablename = 'reports'")}
        assert {
            "reports_title_trgm",
            "reports_description_trgm",
            "reports_address_trgm",
            "reports_number_trgm",
        } <= names
        database = Database.open(db)
        try:
            with database.read() as conn:
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a small table: make the index the way
                plan = "\n".join(
                    row[0]
                    for row in conn.execute(
                        text(
                            "EXPLAIN SELECT id FROM reports"
                            " WHERE title ILIKE :q OR description ILIKE :q OR address ILIKE :q"
                        ),
                        {"q": "%banjir%"},
                    )
                )
        finally:
            database.dispose()
        assert "reports_title_trgm" in plan and "reports_description_trgm" in plan, plan
    else:
        plan = "\n".join(
            str(row)
            for row in query(
                db, "EXPLAIN QUERY PLAN SELECT rowid FROM reports_fts WHERE reports_fts MATCH '\"banjir\"'"
            )
        )
        assert "VIRTUAL TABLE INDEX" in plan, plan


def _text_search_index(conn) -> list[tuple]:
    """What keeps the text search up to date: FTS5's triggers on SQLite, the pg_trgm indexes on
    PostgreSQL, each with its definition."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports' ORDER BY name"
    else:
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname"
    return [tuple(row) for row in conn.execute(text(sql))]


def test_a_bulk_load_sets_the_text_search_index_aside_and_builds_it_again_as_it_was(api):
    """Seeding many reports loads them with the text-search index set aside and builds it once
    after, by sorting, instead of row by row. In a transaction rolled back at the end: the shared
    server's database stays as it was."""
    database = Database.open(api.server.db)
    try:
        with database.engine.connect() as conn:
            transaction = conn.begin()
            try:
                before = _text_search_index(conn)
                with fts.bulk_load(conn) if database.is_sqlite else trigram.bulk_load(conn):
                    during = _text_search_index(conn)
                after = _text_search_index(conn)
            finally:
                transaction.rollback()
    finally:
        database.dispose()
    assert len(before) >= 3 and during == [] and after == before, (before, during, after)


def test_a_seeded_database_is_ready_for_the_query_planner(api, tmp_path):
    """Seeding ends with the planner's statistics, and on PostgreSQL with a VACUUM that marks the
    loaded pages all-visible (index-only counts), not left to autovacuum and the first requests.
    On a database seeded here, of the pass's kind: the suite servers' have been written to since,
    and autovacuum then counts the pages those writes touched as no longer all-visible."""
    if api.server.db.startswith("postgresql"):
        db = postgres.cluster().url(f"seeded_{uuid.uuid4().hex[:12]}")
    else:
        db = str(tmp_path / "seeded.sqlite3")
    assert crm_server("seed", "--db", db, "--reports", "60").returncode == 0
    if db.startswith("postgresql"):
        [(all_visible,)] = query(db, "SELECT relallvisible FROM pg_class WHERE relname = 'reports'")
        assert all_visible > 0
    else:
        assert query(db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'reports'")[0][0] > 0


def test_writers_of_two_processes_run_one_at_a_time(api):
    """A second writer (here another engine, as another server process would hold) waits until
    the first commits, and then reads what it wrote: the check-then-change of a version, an
    idempotency key or the day's next number relies on it."""
    one, other = Database.open(api.server.db), Database.open(api.server.db)
    seen: list[object] = []
    first_in = threading.Event()
    marker = "serialised-" + str(time.time_ns())

    def first() -> None:
        with one.write() as conn:
            first_in.set()
            time.sleep(0.5)
            conn.execute(
                text(
                    "INSERT INTO idempotency (operator_id, key, request_hash, status_code, response, created_at)"
                    " SELECT id, :key, '-', 200, '{}', 0 FROM operators WHERE username = 'officer3'"
                ),
                {"key": marker},
            )

    def second() -> None:
        first_in.wait(5)
        with other.write() as conn:
            seen.append(conn.execute(text("SELECT key FROM idempotency WHERE key = :key"), {"key": marker}).scalar())

    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    finally:
        one.dispose()
        other.dispose()
    assert seen == [marker]


def test_a_view_waits_for_no_write_lock_and_is_audited(api):
    """Another process holds a write transaction. On PostgreSQL a view appends its audit row
    beside it (no advisory lock) and answers while the write still runs; SQLite has one writer
    per file, and the view answers once the write commits. Either way the view is audited."""
    number = api.submit()
    api.token("dispatcher")  # signed in before: a sign-in is a write
    holder = Database.open(api.server.db)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.write():
            holding.set()
            release.wait(20)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        if api.server.db.startswith("postgresql"):
            # Were the view to wait for the lock, it would wait the holder's 20 s: 5 s is the end.
            response = api.get("dispatcher", f"/reports/{number}", timeout=5)
            assert response.status_code == 200 and thread.is_alive()
        else:
            threading.Timer(0.3, release.set).start()
            response = api.get("dispatcher", f"/reports/{number}")
            assert response.status_code == 200 and release.is_set()
    finally:
        release.set()
        thread.join(20)
        holder.dispose()
    assert len(audit_lines(api.audit(report=number), action="view", number=number)) == 1


def _event_actors(db: str) -> list[tuple[str, str, str | None]]:
    return query(
        db,
        "SELECT r.number, e.type, o.username FROM events e JOIN reports r ON r.id = e.report_id"
        " LEFT JOIN operators o ON o.id = e.actor_id ORDER BY e.id",
    )


def test_events_logged_before_actors_were_recorded_gain_them(make_api):
    """A database from before migration 4: each logged event takes its actor from the history
    row of the same change, even where a report's older history has no event (seeded)."""
    # A server of its own: the test asserts every event in the database, then changes its schema.
    api = make_api()
    seeded = next(
        r
        for r in api.reports("supervisor", status="Proses", limit=100)["items"]
        if r["assignee"] and r["assignee"]["username"] != "officer2"
    )
    new, other = api.submit(), api.submit()
    assert api.assign("supervisor", seeded["number"], "officer2").status_code == 200
    assert api.assign("dispatcher", new, "officer").status_code == 200
    for user in ("officer", "dispatcher", "officer"):  # one report's notes, in quick succession
        assert api.note(user, new).status_code == 201
    assert api.assign("supervisor", other, "officer2").status_code == 200
    api.server.stop()
    recorded = _event_actors(api.server.db)
    assert recorded == [
        (new, "created", None),
        (other, "created", None),
        (seeded["number"], "assigned", "supervisor"),
        (new, "assigned", "dispatcher"),
        (new, "noted", "officer"),
        (new, "noted", "dispatcher"),
        (new, "noted", "officer"),
        (other, "assigned", "supervisor"),
    ]
    database = Database.open(api.server.db)
    try:
        with database.write() as conn:  # as a database made before migration 4 was
            conn.exec_driver_sql("ALTER TABLE events DROP COLUMN actor_id")
            conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 4")
    finally:
        database.dispose()
    assert crm_server("init", "--db", api.server.db).returncode == 0
    assert _event_actors(api.server.db) == recorded

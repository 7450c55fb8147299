"""The database under the server, on whichever engine this run uses (SQLite, or PostgreSQL with
CRM_TEST_DATABASE=postgresql): text search read from an index, and writes that run one at a time."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from crm_server.storage.engine import Database
from tests.support.server import query


def test_text_search_can_be_answered_from_an_index(api):
    db = api.server.db
    if db.startswith("postgresql"):
        names = {name for (name,) in query(db, "SELECT indexname FROM pg_indexes WHERE tablename = 'reports'")}
        assert {"reports_title_trgm", "reports_description_trgm", "reports_address_trgm", "reports_number_trgm"} <= names
        database = Database.open(db)
        try:
            with database.read() as conn:
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a small table: make the index the way
                plan = "\n".join(row[0] for row in conn.execute(text(
                    "EXPLAIN SELECT id FROM reports WHERE title ILIKE :q OR description ILIKE :q OR address ILIKE :q"
                ), {"q": "%banjir%"}))
        finally:
            database.dispose()
        assert "reports_title_trgm" in plan and "reports_description_trgm" in plan, plan
    else:
        plan = "\n".join(str(row) for row in query(
            db, "EXPLAIN QUERY PLAN SELECT rowid FROM reports_fts WHERE reports_fts MATCH '\"banjir\"'"
        ))
        assert "VIRTUAL TABLE INDEX" in plan, plan


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
            conn.execute(text(
                "INSERT INTO idempotency (operator_id, key, request_hash, status_code, response, created_at)"
                " SELECT id, :key, '-', 200, '{}', 0 FROM operators WHERE username = 'officer3'"
            ), {"key": marker})

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

"""A database that fails answers 503 with Retry-After and a code that names the failure
(unreachable, read-only, full), never a 500, and never hangs; the server recovers the moment the
database is back. `/healthz/live` answers while the database does not.

The faults are planted by pointing the running application at a database that fails that way
(app.state.db), then back: one uvicorn in this process for the module (it swaps its database,
which the shared servers must not do). Most PostgreSQL faults need no cluster: a port nothing
listens on, and a listener that accepts and never answers (a frozen server). A server frozen in
the middle of a statement is the run's cluster behind a relay that stops passing bytes."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import event

from crm_server import schemas
from crm_server.api.app import create_app
from crm_server.services import accounts, audit, intake
from crm_server.storage import deadline, engine
from crm_server.storage.engine import Database
from tests.support import postgres
from tests.support.relay import Relay
from tests.support.server import DEMO_PASSWORD_SUFFIX, ServerProcess, demo_template, free_port

USERNAME = "nobody-in-particular"  # a failed sign-in writes (the throttle's record)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[FastAPI, str, Path]]:
    folder = tmp_path_factory.mktemp("faults")
    good = Database.open(folder / "crm.sqlite3")
    app = create_app(good)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield app, f"http://127.0.0.1:{port}", folder / "crm.sqlite3"
    server.should_exit = True
    thread.join(timeout=10)
    good.dispose()


@contextmanager
def failing(app: FastAPI, faulty: Database) -> Iterator[None]:
    good = app.state.db
    app.state.db = faulty
    try:
        yield
    finally:
        app.state.db = good
        faulty.dispose()


def assert_fault(response: httpx.Response, code: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    body = response.json()
    assert body["error"] == code and body["request_id"] == response.headers["x-request-id"]
    assert int(response.headers["retry-after"]) > 0
    for leak in ("SELECT", "INSERT", "sqlite", "psycopg", USERNAME):
        assert leak not in response.text


def sign_in(base_url: str, username: str = USERNAME) -> httpx.Response:
    return httpx.post(
        f"{base_url}/api/v1/auth/login", json={"username": username, "password": "not-the-password"}, timeout=30
    )


def assert_recovered(base_url: str) -> None:
    assert httpx.get(f"{base_url}/healthz/ready", timeout=10).status_code == 200
    # Writes again: a refused sign-in is recorded (401, or 429 once this address failed too often).
    assert sign_in(base_url).status_code in (401, 429)


def test_live_answers_whatever_the_database_and_ready_names_the_failure(served, tmp_path):
    app, base_url, _ = served
    assert httpx.get(f"{base_url}/healthz/live").json() == {"status": "ok"}
    with failing(app, Database.open(tmp_path / "gone" / "crm.sqlite3")):  # its folder does not exist
        assert httpx.get(f"{base_url}/healthz/live").status_code == 200
        assert_fault(httpx.get(f"{base_url}/healthz/ready"), "database_unavailable")
        assert_fault(httpx.get(f"{base_url}/healthz"), "database_unavailable")
        assert_fault(sign_in(base_url), "database_unavailable")
    assert_recovered(base_url)


def test_a_read_only_database_refuses_writes_with_a_503_and_still_reads(served):
    app, base_url, path = served
    with failing(app, Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")):
        assert httpx.get(f"{base_url}/healthz/ready").status_code == 200
        assert_fault(sign_in(base_url), "database_read_only")
    assert_recovered(base_url)


def test_a_full_database_refuses_writes_with_a_503(served):
    app, base_url, path = served
    full = Database.open(path)

    @event.listens_for(full.engine, "connect")
    def no_room(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # The file may not grow by a page: what SQLite answers on a full disk (SQLITE_FULL).
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    with failing(app, full):
        # Each failed sign-in (refused or not) adds an audit row, until one needs a new page.
        codes = []
        while "database_full" not in codes and len(codes) < 300:
            codes.append(sign_in(base_url, f"someone-{len(codes):04d}-{'x' * 40}").json()["error"])
        assert codes[-1] == "database_full" and set(codes) <= {"database_full", "unauthorized", "rate_limited"}
        assert_fault(sign_in(base_url, "someone-else"), "database_full")
    assert_recovered(base_url)


def test_a_view_whose_audit_row_cannot_be_written_is_not_answered(served):
    """A view reads, then appends its audit row on its own: a database that reads and cannot
    write answers the view with the 503, never the report unaudited. (After the full database's
    test: that one counts on how full the file's pages are.)"""
    app, base_url, path = served
    good, directory = app.state.db, app.state.directory
    accounts.add_operator(good, username="auditee", role="supervisor", agency_code="DKI", password="Kunci-rahasia-9!")
    token = accounts.login(good, "auditee", "Kunci-rahasia-9!").token
    kelurahan = next(iter(directory.places))
    content = schemas.IntakeContent(
        category=next(iter(directory.categories)),
        title="Lampu jalan mati",
        location=schemas.IntakeLocation(address="Jl. Cideng Barat", kelurahan=kelurahan),
        private=False,
    )
    number = intake.accept(good, directory, content, "JAKI", None)
    view = f"{base_url}/api/v1/reports/{number}"
    headers = {"Authorization": f"Bearer {token}"}
    with failing(app, Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")):
        assert_fault(httpx.get(view, headers=headers, timeout=10), "database_read_only")
    assert httpx.get(view, headers=headers, timeout=10).status_code == 200
    assert [row.action for row in audit.rows(good, report_number=number)] == ["view"]


def test_an_unreachable_postgresql_is_a_503(served):
    app, base_url, _ = served
    with failing(app, Database.open(f"postgresql+psycopg://crm@127.0.0.1:{free_port()}/crm")):
        assert_fault(httpx.get(f"{base_url}/healthz/ready", timeout=30), "database_unavailable")
        assert_fault(sign_in(base_url), "database_unavailable")
    assert_recovered(base_url)


def test_a_postgresql_that_never_answers_is_a_503_within_the_connect_timeout(served, monkeypatch):
    app, base_url, _ = served
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 1)
    with socket.create_server(("127.0.0.1", 0)) as frozen:  # accepts (the backlog) and never answers
        port = frozen.getsockname()[1]
        with failing(app, Database.open(f"postgresql+psycopg://crm@127.0.0.1:{port}/crm")):
            started = time.monotonic()
            assert_fault(httpx.get(f"{base_url}/healthz/ready", timeout=30), "database_unavailable")
            assert time.monotonic() - started < 10
    assert_recovered(base_url)


# The frozen server's test: a statement may take 2 s, so a wait is cut 2 s later
# (engine.DEADLINE_MARGIN_S), and a new connection is given up after 2 s (libpq's least).
FROZEN_STATEMENT_TIMEOUT_S = 2.0
NEW_CONNECTION_S = 2.0
SLACK_S = 3.0  # a loaded machine


@pytest.fixture
def relayed_postgresql(tmp_path) -> Iterator[tuple[Relay, str]]:
    """A database of demo data on the run's PostgreSQL, and its URL through a relay the test
    freezes: the session's cluster, which other tests use, is never stopped. Runs on PostgreSQL
    only (tests/conftest.py POSTGRESQL_FIXTURES)."""
    cluster = postgres.cluster()
    name = "crm_" + hashlib.sha1(str(tmp_path).encode()).hexdigest()[:16]
    # A copy of the session's seeded database, as the test servers' own are.
    seeded = demo_template(ServerProcess.reports, ServerProcess.random_seed)
    cluster.url(name, template=lambda: seeded.rsplit("/", 1)[1])
    relay = Relay(cluster.port)
    yield relay, f"postgresql+psycopg://{postgres.USER}@127.0.0.1:{relay.port}/{name}"
    relay.close()


def test_a_frozen_postgresql_is_a_503_within_the_deadline_and_loses_nothing(served, relayed_postgresql):
    app, base_url, _ = served
    relay, url = relayed_postgresql
    with (
        failing(app, Database.open(url, statement_timeout_s=FROZEN_STATEMENT_TIMEOUT_S)),
        httpx.Client(base_url=f"{base_url}/api/v1", timeout=30) as http,
    ):
        login = {"username": "supervisor", "password": "supervisor" + DEMO_PASSWORD_SUFFIX}
        http.headers["Authorization"] = "Bearer " + http.post("/auth/login", json=login).json()["token"]
        number = http.get("/reports", params={"limit": 1}).json()["items"][0]["number"]

        def note(text: str) -> tuple[httpx.Response, float]:
            started = time.monotonic()
            return http.post(f"/reports/{number}/notes", json={"text": text}), time.monotonic() - started

        def view() -> tuple[httpx.Response, float]:
            started = time.monotonic()
            return http.get(f"/reports/{number}"), time.monotonic() - started

        assert note("Sebelum beku.")[0].status_code == 201
        cut = deadline.WATCHDOG.cut
        # Frozen as the note's INSERT reaches it: inside the write's transaction, which holds the
        # write lock; then a view comes, while it is frozen.
        relay.freeze_at(b"Selama beku.")
        with ThreadPoolExecutor(2) as requests:
            write = requests.submit(note, "Selama beku.")
            assert relay.frozen.wait(timeout=10)
            read = requests.submit(view)
            answers = {"write": write.result(), "read": read.result()}
        for answer, _ in answers.values():
            assert_fault(answer, "database_unavailable")
            assert "beku" not in answer.text
        assert deadline.WATCHDOG.cut > cut  # the write's wait was cut: a frozen server answers nothing
        cut_at = FROZEN_STATEMENT_TIMEOUT_S + engine.DEADLINE_MARGIN_S
        assert answers["write"][1] < cut_at + SLACK_S, answers
        # The view checks a pooled connection first (a wait cut at the deadline) or opens a new one
        # (given up after its timeout), or both.
        assert answers["read"][1] < cut_at + NEW_CONNECTION_S + SLACK_S, answers
        relay.thaw()
        # The frozen transaction ends as its server learns the connection went: its lock with it.
        assert note("Setelah beku.")[0].status_code == 201
        notes = [item["text"] for item in view()[0].json()["notes"]]
    # What was acknowledged is there; the note answered 503 was never committed.
    assert notes[-2:] == ["Sebelum beku.", "Setelah beku."] and "Selama beku." not in notes

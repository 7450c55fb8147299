"""`crm-server`: idempotent init, one clear line for every operator mistake, operators from stdin,
deterministic seeding."""

from __future__ import annotations

import importlib.util
import re
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm_server.demo.seed import DEMO_OPERATORS
from crm_server.storage.engine import Database
from crm_server.storage.migrations import MIGRATIONS
from tests.support.cli import crm_server
from tests.support.server import free_port, query


def fails_with_one_line(result, *, mentions: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("crm-server:"), lines[0]
    assert mentions in lines[0], lines[0]
    return lines[0]


def test_init_is_idempotent(tmp_path):
    db = tmp_path / "crm.sqlite3"
    first = crm_server("init", "--db", str(db))
    assert first.returncode == 0 and "database ready" in first.stdout
    counts = query(db, "SELECT (SELECT count(*) FROM agencies), (SELECT count(*) FROM categories)")
    schema = query(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    again = crm_server("init", "--db", str(db))
    assert again.returncode == 0
    assert query(db, "SELECT (SELECT count(*) FROM agencies), (SELECT count(*) FROM categories)") == counts
    assert query(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert query(db, "SELECT version FROM schema_migrations ORDER BY version") == [(v,) for v, _, _ in MIGRATIONS]
    agencies, categories = counts[0]
    assert agencies > 267 and categories >= 60


def test_other_commands_initialise_a_fresh_path(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    key = crm_server("intake-key", "--db", str(db)).stdout.strip()
    assert len(key) >= 40 and key != crm_server("intake-key", "--db", str(db)).stdout.strip()
    assert query(db, "SELECT count(*) FROM intake_keys") == [(2,)]
    assert crm_server("audit", "--db", str(tmp_path / "other.sqlite3")).stdout == ""


@pytest.mark.parametrize("command", [["init"], ["audit"], ["intake-key"], ["seed", "--reports", "1"]])
def test_missing_folder_is_one_line(tmp_path, command):
    db = tmp_path / "no" / "such" / "folder" / "crm.sqlite3"
    result = crm_server(command[0], "--db", str(db), *command[1:], check=False)
    fails_with_one_line(result, mentions="does not exist")
    assert not db.parent.exists()


def test_directory_as_db_is_one_line(tmp_path):
    fails_with_one_line(crm_server("init", "--db", str(tmp_path), check=False), mentions="is a directory")


def test_file_that_is_no_database_is_one_line(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"this is not a database\n" * 200)
    fails_with_one_line(crm_server("init", "--db", str(junk), check=False), mentions="cannot open the database")


def test_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = crm_server("serve", "--db", str(tmp_path / "crm.sqlite3"), "--port", str(port), check=False)
    fails_with_one_line(result, mentions=f"127.0.0.1:{port}")


def test_serve_with_bad_path_is_one_line(tmp_path):
    result = crm_server("serve", "--db", str(tmp_path / "nope" / "crm.sqlite3"), "--port", "0", check=False)
    fails_with_one_line(result, mentions="does not exist")


def _add(db: Path, username: str, role: str, agency: str, password: str | None = "rahasia-12345", *extra: str):
    return crm_server(
        "operator",
        "add",
        "--db",
        str(db),
        "--username",
        username,
        "--role",
        role,
        "--agency",
        agency,
        *extra,
        stdin=None if password is None else password + "\n",
        check=False,
    )


@pytest.mark.parametrize(
    ("username", "role", "agency", "password", "mentions"),
    [
        ("rudi", "admin", "JP.GAMBIR.CIDENG", "rahasia-12345", "unknown role"),
        ("rudi", "officer", "JP.NOWHERE", "rahasia-12345", "unknown agency"),
        ("rudi", "officer", "JP.GAMBIR.CIDENG", "", "password is empty"),
        ("rudi", "officer", "JP.GAMBIR.CIDENG", "short", "at least 12 characters"),
        ("ru di", "officer", "JP.GAMBIR.CIDENG", "rahasia-12345", "usernames are"),
        ("r" * 65, "officer", "JP.GAMBIR.CIDENG", "rahasia-12345", "usernames are"),
        ("rudi\x1b[2J", "officer", "JP.GAMBIR.CIDENG", "rahasia-12345", "usernames are"),
        ("rüdi", "officer", "JP.GAMBIR.CIDENG", "rahasia-12345", "usernames are"),
    ],
    ids=[
        "unknown-role",
        "unknown-agency",
        "empty-password",
        "short-password",
        "space",
        "too-long",
        "escape",
        "non-ascii",
    ],
)
def test_bad_operator_add_is_one_line(tmp_path, username, role, agency, password, mentions):
    db = tmp_path / "crm.sqlite3"
    fails_with_one_line(_add(db, username, role, agency, password), mentions=mentions)
    assert query(db, "SELECT count(*) FROM operators") == [(0,)]


def test_duplicate_username_is_one_line(tmp_path):
    db = tmp_path / "crm.sqlite3"
    assert _add(db, "rudi", "officer", "JP.GAMBIR.CIDENG").returncode == 0
    fails_with_one_line(_add(db, "rudi", "dispatcher", "DKI"), mentions="exists already")
    assert query(db, "SELECT role FROM operators WHERE username = 'rudi'") == [("officer",)]


def test_operator_add_reads_the_password_from_stdin_and_the_operator_can_log_in(api):
    """Added to a running server's database: the server sees the new operator at once."""
    db = api.server.db
    password = "kata sandi: panjang & aneh é"
    added = _add(db, "rina.k", "dispatcher", "JP.GAMBIR.PETOJO-UTARA", password, "--name", "Rina Kartika")
    assert added.returncode == 0, added.stderr
    assert "rina.k" in added.stdout and password not in added.stdout + added.stderr
    stored = query(db, "SELECT password_hash FROM operators WHERE username = 'rina.k'")[0][0]
    assert stored.startswith("scrypt$") and password not in stored

    login = api.http.post("/api/v1/auth/login", json={"username": "rina.k", "password": password})
    assert login.status_code == 200
    me = login.json()["operator"]
    assert (me["username"], me["display_name"], me["role"], me["agency"]["code"]) == (
        "rina.k",
        "Rina Kartika",
        "dispatcher",
        "JP.GAMBIR.PETOJO-UTARA",
    )
    assert api.http.post("/api/v1/auth/login", json={"username": "rina.k", "password": "x"}).status_code == 401
    audit = crm_server("audit", "--db", str(db), "--operator", "rina.k").stdout
    assert [line.split()[3] for line in audit.splitlines()] == ["login", "login_failed"]


def _seeded(db: Path, seed: int) -> list[tuple]:
    result = crm_server("seed", "--db", str(db), "--reports", "60", "--random-seed", str(seed), "--now", "1740000000")
    assert result.returncode == 0 and "seeded 60 reports" in result.stdout
    return query(
        db, "SELECT number, title, status, channel, private, kelurahan_code, created_at FROM reports ORDER BY number"
    )


def test_seed_is_deterministic_for_a_seed(tmp_path):
    first = _seeded(tmp_path / "a.sqlite3", 7)
    assert first == _seeded(tmp_path / "b.sqlite3", 7)
    assert first != _seeded(tmp_path / "c.sqlite3", 8)
    assert len(first) == 60
    now = datetime.fromtimestamp(1740000000, UTC).replace(tzinfo=None)
    days = {datetime.strptime(number[2:8], "%y%m%d") for number, *_ in first}
    assert all(now - timedelta(days=91) <= day <= now for day in days)
    assert all(re.fullmatch(r"JK\d{10}", number) for number, *_ in first)
    # The seed prints the demo operators' credentials once, then (forced: the database has
    # reports now) finds them already there.
    again = crm_server("seed", "--db", str(tmp_path / "a.sqlite3"), "--reports", "1", "--force")
    assert "demo operators" not in again.stdout


def test_audit_filters_by_report(api):
    viewed, other = api.submit(), api.submit()
    assert api.get("dispatcher", f"/reports/{viewed}").status_code == 200
    rows = api.audit(report=viewed).splitlines()
    assert [tuple(r.split()[2:7]) for r in rows] == [("dispatcher", "view", viewed, "-", "ok")]
    assert api.audit(report=other) == ""


def test_a_database_url_never_shows_its_password(tmp_path):
    url = f"postgresql+psycopg://crm:s3cret-pw@127.0.0.1:{free_port()}/crm"  # nothing listens there
    result = crm_server("init", "--db", url, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"crm-server: --db {url.replace('s3cret-pw', '***')}: cannot open the database (OperationalError)"
    )
    assert "s3cret-pw" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "mentions"),
    [
        ("nosuchdb://x/y", "(unknown database or driver; use a file path"),
        ("postgresql+nosuchdriver://crm:s3cret-pw@db.internal/crm", "(unknown database or driver; use a file path"),
        ("://crm:s3cret-pw@db.internal/crm", "does not parse): cannot open the database (not a database URL)"),
        ("mssql+pymssql://crm:s3cret-pw@db.internal/crm", "(its driver pymssql is not installed)"),
    ],
    ids=["unknown-database", "unknown-driver", "no-url", "driver-not-installed"],
)
def test_a_database_url_that_cannot_be_used_is_one_line(url, mentions):
    if "pymssql" in url and importlib.util.find_spec("pymssql") is not None:
        pytest.skip("this machine has the driver")
    line = fails_with_one_line(crm_server("init", "--db", url, check=False), mentions=mentions)
    assert "s3cret-pw" not in line


def test_the_database_can_come_from_the_environment(tmp_path, monkeypatch):
    db = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("CRM_SERVER_DB", str(db))
    result = crm_server("init")
    assert result.returncode == 0 and result.stdout.strip() == f"database ready: {db}"
    assert query(db, "SELECT count(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


def test_a_database_from_before_the_audit_address_gains_it(tmp_path):
    db = tmp_path / "older.sqlite3"
    crm_server("init", "--db", str(db))
    database = Database.open(db)
    try:
        with database.write() as conn:  # as a database made before migration 3 was (and so 5)
            conn.exec_driver_sql("DROP INDEX ix_audit_address")
            conn.exec_driver_sql("ALTER TABLE audit DROP COLUMN address")
            conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version IN (3, 5)")
    finally:
        database.dispose()
    assert crm_server("init", "--db", str(db)).returncode == 0
    assert query(db, "SELECT version FROM schema_migrations WHERE version IN (3, 5)") == [(3,), (5,)]
    assert ("address",) in [(row[1],) for row in query(db, "PRAGMA table_info(audit)")]


# --- what the CLI prints is safe for the administrator's terminal ----------------------------

HOSTILE_VALUES = [
    "\x1b]0;TITLE\x07",  # sets the terminal's title
    "\x1b]52;c;ZXZpbA==\x07",  # writes the clipboard
    "evil\n2025-01-01 00:00:00  admin            login        -              ok",  # a forged row
    "\x1b[2K\x1b[1A\rerased",  # erases the row above
    "\u202eflip\u2066\u200b\ufeffhidden",  # bidi and zero-width
    "c1\x9b31m\x85\x00nul\x7f",
]


def terminal_controls(text: str) -> list[str]:
    """Characters that act on a terminal or hide: C0 but the newline, DEL, C1, bidi, zero-width."""
    bidi = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    hidden = set("\u200b\u200c\u200d\u2060\ufeff")
    return [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c in bidi or c in hidden]


def test_every_value_the_audit_prints_is_made_safe(tmp_path):
    """Rows as an older server wrote them, from sign-ins with hostile usernames."""
    db = tmp_path / "crm.sqlite3"
    crm_server("init", "--db", str(db))
    database = Database.open(db)
    try:
        with database.write() as conn:
            for value in HOSTILE_VALUES:
                conn.exec_driver_sql(
                    "INSERT INTO audit (at, operator, action, report_number, outcome, address)"
                    " VALUES (1740000000, ?, ?, ?, ?, ?)",
                    (value, "login_failed", value[:20], value[:40], value[:64]),
                )
    finally:
        database.dispose()
    result = crm_server("audit", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert terminal_controls(result.stdout + result.stderr) == []
    lines = result.stdout.splitlines()
    assert len(lines) == len(HOSTILE_VALUES)  # no forged row
    assert all(line.startswith("2025-02-19 21:20:00  ") for line in lines), lines
    assert "TITLE" in lines[0] and "login_failed" in lines[0]  # the text itself is still shown


def test_cli_error_lines_are_made_safe_too(tmp_path):
    result = crm_server("init", "--db", str(tmp_path / "no\x1b]0;TITLE\x07pe" / "crm.sqlite3"), check=False)
    fails_with_one_line(result, mentions="does not exist")
    assert terminal_controls(result.stderr) == []


def test_a_database_from_before_the_audit_address_index_gains_it(tmp_path):
    db = tmp_path / "older.sqlite3"
    crm_server("init", "--db", str(db))
    database = Database.open(db)
    try:
        with database.write() as conn:  # as a database made before migration 6 was
            conn.exec_driver_sql("DROP INDEX ix_audit_address")
            conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 6")
    finally:
        database.dispose()
    assert crm_server("init", "--db", str(db)).returncode == 0
    assert query(db, "SELECT version FROM schema_migrations WHERE version = 6") == [(6,)]
    assert query(db, "SELECT name FROM sqlite_master WHERE name = 'ix_audit_address'") == [("ix_audit_address",)]


# --- the audit command: bounded, filtered, and saying when it is cut; quiet on a closed pipe ---


def _audit_db(tmp_path, rows: int) -> Path:
    """A database whose audit trail holds `rows` views, one a minute from 2025-02-19 21:20 UTC."""
    db = tmp_path / "crm.sqlite3"
    crm_server("init", "--db", str(db))
    database = Database.open(db)
    try:
        with database.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO audit (at, operator, action, report_number, outcome) VALUES (?, ?, ?, ?, ?)",
                [(1740000000 + 60 * i, f"op{i}", "view", f"JK25021900{i % 100:02d}", "ok") for i in range(rows)],
            )
    finally:
        database.dispose()
    return db


def test_audit_limit_and_since_and_it_says_when_the_output_is_cut(tmp_path):
    db = _audit_db(tmp_path, 5)
    cut = crm_server("audit", "--db", str(db), "--limit", "3")
    assert [line.split()[2] for line in cut.stdout.splitlines()] == ["op2", "op3", "op4"]  # the newest, oldest first
    assert cut.stderr.strip().startswith("crm-server: showing the newest 3 rows only")
    whole = crm_server("audit", "--db", str(db), "--limit", "5")
    assert len(whole.stdout.splitlines()) == 5 and whole.stderr == ""
    since = crm_server("audit", "--db", str(db), "--since", "2025-02-19T21:22:00")
    assert [line.split()[2] for line in since.stdout.splitlines()] == ["op2", "op3", "op4"] and since.stderr == ""
    recent = crm_server("audit", "--db", str(db), "--since", "1d")
    assert recent.stdout == ""  # all of them are older than a day
    fails_with_one_line(crm_server("audit", "--db", str(db), "--limit", "0", check=False), mentions="--limit")


def test_the_default_limit_says_so_too(tmp_path):
    db = _audit_db(tmp_path, 1001)
    result = crm_server("audit", "--db", str(db))
    assert len(result.stdout.splitlines()) == 1000
    assert "showing the newest 1000 rows only" in result.stderr


def read_one_line_and_close(*args: str) -> subprocess.CompletedProcess:
    """`crm-server ARGS | head -1`: the reader goes away after the first line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crm_server.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    return subprocess.CompletedProcess(args, process.wait(timeout=60), first.decode(), stderr)


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    db = _audit_db(tmp_path, 3000)  # far more than a pipe holds
    result = read_one_line_and_close("audit", "--db", str(db), "--limit", "3000")
    assert result.stdout.split()[2] == "op0"
    assert result.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored"
    assert result.returncode == 141  # as a shell reports a command whose reader went away


# --- seeding: only into a database of demo data, and it says what it did ----------------------


def test_seeding_says_plainly_that_demo_accounts_now_exist(tmp_path):
    result = crm_server("seed", "--db", str(tmp_path / "crm.sqlite3"), "--reports", "1")
    assert "supervisor-demo" in result.stdout
    warning = result.stdout.splitlines()[-2]
    assert warning.startswith(f"WARNING: this database now has {len(DEMO_OPERATORS)} demo accounts"), result.stdout
    assert "Never serve it to real operators" in warning


def test_seeding_refuses_a_database_with_real_operators_unless_forced(tmp_path):
    db = tmp_path / "crm.sqlite3"
    assert _add(db, "rudi", "officer", "JP.GAMBIR.CIDENG").returncode == 0
    refused = crm_server("seed", "--db", str(db), "--reports", "1", check=False)
    fails_with_one_line(refused, mentions="1 operator(s) that are not demo accounts")
    assert "--force" in refused.stderr
    assert query(db, "SELECT count(*) FROM operators") == [(1,)]
    assert query(db, "SELECT count(*) FROM reports") == [(0,)]
    forced = crm_server("seed", "--db", str(db), "--reports", "1", "--force")
    assert "WARNING: this database now has" in forced.stdout
    assert query(db, "SELECT count(*) FROM operators") == [(1 + len(DEMO_OPERATORS),)]


def test_seeding_refuses_a_database_with_reports_unless_forced(tmp_path):
    db = tmp_path / "crm.sqlite3"
    crm_server("seed", "--db", str(db), "--reports", "2")
    fails_with_one_line(
        crm_server("seed", "--db", str(db), "--reports", "1", check=False), mentions="already has reports"
    )
    assert query(db, "SELECT count(*) FROM reports") == [(2,)]


def test_serve_demo_refuses_a_database_with_real_operators(tmp_path):
    db = tmp_path / "crm.sqlite3"
    assert _add(db, "rudi", "officer", "JP.GAMBIR.CIDENG").returncode == 0
    result = crm_server("serve", "--db", str(db), "--port", str(free_port()), "--demo", "--reports", "1", check=False)
    fails_with_one_line(result, mentions="not demo accounts")
    assert query(db, "SELECT count(*) FROM operators") == [(1,)]

"""`crm-server operator list | passwd | disable | enable | revoke`, and the password rule: a
password change, a disable or a revoke ends every session of the operator and their open event
streams, on a server that was not told (the CLI is another process).

The operators these tests add to the suite's server are dispatchers of a kelurahan no other test
uses, so no officer list or scope elsewhere changes."""

from __future__ import annotations

import time

import httpx
import pytest

from crm_server.storage.engine import Database
from tests.crm_server.helpers import API, Api, EventStream, marker
from tests.crm_server.test_cli import fails_with_one_line, terminal_controls
from tests.support.cli import crm_server
from tests.support.server import query

PASSWORD = "kata-sandi-yang-panjang"
COMMON = "qwerty123456"  # long enough, and on the shipped list of common passwords


def operator(api: Api, *args: str, stdin: str | None = None, check: bool = True):
    return crm_server("operator", *args, "--db", api.server.db, stdin=stdin, check=check)


def add(api: Api, password: str = PASSWORD) -> str:
    username = marker("op").lower()
    result = operator(
        api, "add", "--username", username, "--role", "dispatcher", "--agency", "JP.GAMBIR.GAMBIR",
        stdin=password + "\n", check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return username


def sign_in(api: Api, username: str, password: str = PASSWORD) -> httpx.Response:
    return api.http.post(f"{API}/auth/login", json={"username": username, "password": password})


def token_of(api: Api, username: str, password: str = PASSWORD) -> str:
    response = sign_in(api, username, password)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def me(api: Api, token: str) -> int:
    return api.http.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code


def stream_of(api: Api, username: str, token: str) -> EventStream:
    viewer = Api(api.server)
    viewer._tokens[username] = token
    stream = EventStream(viewer, username)
    stream.started()
    return stream


def ends_soon(stream: EventStream) -> float:
    """Seconds until the server ends the stream with `unauthorized` (a sweep runs every second)."""
    start = time.monotonic()
    frame = stream.until(lambda f: f.kind == "event", deadline=5.0)
    assert frame.event == "unauthorized", frame.raw
    return time.monotonic() - start


@pytest.mark.parametrize(
    ("password", "mentions"),
    [("short", "at least 12 characters"), ("elevenchars", "at least 12"), (COMMON, "too common"), ("", "empty")],
    ids=["short", "eleven", "common", "empty"],
)
def test_the_password_rule_holds_for_add_and_passwd(api: Api, password, mentions):
    username = marker("rule").lower()
    refused = operator(
        api, "add", "--username", username, "--role", "dispatcher", "--agency", "JP.GAMBIR.GAMBIR",
        stdin=password + "\n", check=False,
    )  # fmt: skip
    fails_with_one_line(refused, mentions=mentions)
    assert query(api.server.db, f"SELECT count(*) FROM operators WHERE username = '{username}'") == [(0,)]
    existing = add(api)
    fails_with_one_line(
        operator(api, "passwd", "--username", existing, stdin=password + "\n", check=False), mentions=mentions
    )
    assert sign_in(api, existing).status_code == 200  # the old password still holds


def test_the_username_is_no_password(api: Api):
    username = marker("sameasname").lower()
    refused = operator(
        api, "add", "--username", username, "--role", "dispatcher", "--agency", "JP.GAMBIR.GAMBIR",
        stdin=username.upper() + "\n", check=False,
    )  # fmt: skip
    fails_with_one_line(refused, mentions="too common")


def test_passwd_ends_every_session_and_live_stream(api: Api):
    username = add(api)
    first, second = token_of(api, username), token_of(api, username)
    stream = stream_of(api, username, first)
    try:
        changed = operator(api, "passwd", "--username", username, stdin="sandi-baru-yang-panjang\n")
        assert "2 signed-in session(s) ended" in changed.stdout and "sandi-baru" not in changed.stdout
        assert ends_soon(stream) < 3.0
    finally:
        stream.close()
    assert me(api, first) == me(api, second) == 401
    assert sign_in(api, username).status_code == 401
    assert sign_in(api, username, "sandi-baru-yang-panjang").status_code == 200


def test_disable_ends_every_session_and_refuses_sign_in_until_enabled(api: Api):
    username = add(api)
    token = token_of(api, username)
    stream = stream_of(api, username, token)
    try:
        assert "disabled" in operator(api, "disable", "--username", username).stdout
        assert ends_soon(stream) < 3.0
    finally:
        stream.close()
    assert me(api, token) == 401
    assert sign_in(api, username).status_code == 401  # like a wrong password: nothing said of the account
    listed = [line.split() for line in operator(api, "list").stdout.splitlines()]
    assert [row[3] for row in listed if row[0] == username] == ["disabled"]
    operator(api, "enable", "--username", username)
    assert sign_in(api, username).status_code == 200


def test_revoke_ends_every_session_and_live_stream_but_keeps_the_password(api: Api):
    username = add(api)
    tokens = [token_of(api, username) for _ in range(2)]
    stream = stream_of(api, username, tokens[0])
    try:
        listed = [line.split() for line in operator(api, "list").stdout.splitlines()]
        assert [row[1:5] for row in listed if row[0] == username] == [["dispatcher", "JP.GAMBIR.GAMBIR", "active", "2"]]
        assert "2 signed-in session(s) ended" in operator(api, "revoke", "--username", username).stdout
        assert ends_soon(stream) < 3.0
    finally:
        stream.close()
    assert [me(api, token) for token in tokens] == [401, 401]
    assert sign_in(api, username).status_code == 200
    audit = crm_server("audit", "--db", api.server.db, "--operator", username).stdout
    assert [line.split()[3] for line in audit.splitlines()] == ["login", "login", "revoked", "login"]


@pytest.mark.parametrize("action", ["passwd", "disable", "enable", "revoke"])
def test_an_unknown_username_is_one_line(api: Api, action):
    result = operator(api, action, "--username", marker("nobody").lower(), stdin=PASSWORD + "\n", check=False)
    fails_with_one_line(result, mentions="no operator has that username")


def test_operator_list_prints_nothing_that_acts_on_a_terminal(tmp_path):
    db = tmp_path / "crm.sqlite3"
    crm_server("operator", "add", "--db", str(db), "--username", "budi", "--role", "officer",
               "--agency", "JP.GAMBIR.CIDENG", stdin=PASSWORD + "\n")  # fmt: skip
    database = Database.open(db)
    try:
        with database.write() as conn:  # as an older server stored them, raw
            conn.exec_driver_sql(
                "UPDATE operators SET display_name = ?, username = ?",
                ("Budi \x1b]0;TITLE\x07\u202eflip\n2025 forged", "bu\x1b[2Jdi"),
            )
    finally:
        database.dispose()
    result = crm_server("operator", "list", "--db", str(db))
    assert terminal_controls(result.stdout + result.stderr) == []
    assert len(result.stdout.splitlines()) == 2 and "TITLE" in result.stdout

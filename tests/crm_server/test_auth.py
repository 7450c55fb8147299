"""Sign-in: repeated failures for one username are slowed down (429 with Retry-After), counted
per client address and, with a higher bound, for every address together.

The operators these tests add to the suite's server are dispatchers of a kelurahan no other test
uses, so no officer list or scope elsewhere changes."""

from __future__ import annotations

import httpx
import pytest

from tests.crm_server.helpers import API, Api, assert_error_body, audit_lines, marker
from tests.support.server import crm_server, query

FAILURES_ALLOWED = 10  # crm_server.services.accounts.LOGIN_FAILURES_ALLOWED
FAILURES_PER_USERNAME = 100  # crm_server.services.accounts.LOGIN_FAILURES_PER_USERNAME
WINDOW_SECONDS = 300


def add_dispatcher(api: Api, username: str, password_line: str):
    """A dispatcher of a kelurahan no other test uses, added with the CLI (password on stdin)."""
    return crm_server(
        "operator", "add", "--db", api.server.db, "--username", username, "--role", "dispatcher",
        "--agency", "JP.GAMBIR.GAMBIR", stdin=password_line,
    )  # fmt: skip


def login(api: Api, username: str, password: str):
    return api.http.post(f"{API}/auth/login", json={"username": username, "password": password})


def test_repeated_failures_are_refused_with_429_even_for_the_right_password(api: Api):
    username = marker("locked").lower()
    added = add_dispatcher(api, username, "benar-sekali\n")
    assert added.returncode == 0
    for _ in range(FAILURES_ALLOWED):
        assert_error_body(login(api, username, "salah"), 401)
    refused = login(api, username, "benar-sekali")
    body = assert_error_body(refused, 429)
    assert body["error"] == "rate_limited"
    assert 0 < int(refused.headers["retry-after"]) <= WINDOW_SECONDS
    assert "token" not in body
    # Only that username is slowed down.
    assert login(api, "officer2", "officer2-demo").status_code == 200
    audit = api.audit(operator=username)
    assert len(audit_lines(audit, action="login_failed")) == FAILURES_ALLOWED + 1
    assert audit.splitlines()[-1].split()[5] == "rate_limited"


def test_unknown_usernames_are_slowed_down_too(api: Api):
    username = marker("nobody")
    codes = [login(api, username, "x").status_code for _ in range(FAILURES_ALLOWED + 2)]
    assert codes == [401] * FAILURES_ALLOWED + [429, 429]


def test_a_few_failures_do_not_lock_anyone_out(api: Api):
    username = marker("typo").lower()
    add_dispatcher(api, username, "kata-sandi\n")
    for _ in range(2):  # a success starts the count again
        for _ in range(FAILURES_ALLOWED - 1):
            assert login(api, username, "kata-sandl").status_code == 401
        assert login(api, username, "kata-sandi").status_code == 200


def _add_dispatcher(api: Api, username: str, password: str) -> None:
    added = add_dispatcher(api, username, password + "\n")
    assert added.returncode == 0, added.stderr


def _login_from(api: Api, address: str, username: str, password: str) -> int:
    """A sign-in from another loopback address (127.0.0.2, ...): another client machine."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=api.server.base_url, transport=transport, timeout=30) as client:
        return client.post(f"{API}/auth/login", json={"username": username, "password": password}).status_code


def test_guessing_from_elsewhere_does_not_lock_the_operator_out_at_their_console(api: Api):
    username = marker("target").lower()
    _add_dispatcher(api, username, "punya-saya")
    codes = [_login_from(api, "127.0.0.2", username, "tebak") for _ in range(FAILURES_ALLOWED + 1)]
    assert codes == [401] * FAILURES_ALLOWED + [429]
    assert _login_from(api, "127.0.0.2", username, "punya-saya") == 429  # that address waits
    assert login(api, username, "punya-saya").status_code == 200  # from the operator's own


@pytest.mark.slow
def test_guessing_spread_over_many_addresses_is_slowed_down_for_the_username(api: Api):
    username = marker("spread").lower()
    _add_dispatcher(api, username, "rahasia-benar")
    addresses = [f"127.0.0.{10 + i}" for i in range(FAILURES_PER_USERNAME // FAILURES_ALLOWED)]
    for address in addresses:
        assert {_login_from(api, address, username, "tebak") for _ in range(FAILURES_ALLOWED)} == {401}
    assert _login_from(api, "127.0.0.99", username, "rahasia-benar") == 429
    assert login(api, username, "rahasia-benar").status_code == 429


@pytest.mark.parametrize(
    "username",
    ["\u001b]0;TITLE\u0007", "evil\nforged", "\u202eadmin", "ad\u200bmin", "with space", "x" * 65, ""],
    ids=["osc-title", "newline", "bidi", "zero-width", "space", "too-long", "empty"],
)
def test_a_username_that_breaks_the_rule_is_refused_before_anything_is_written(api: Api, username):
    newest = query(api.server.db, "SELECT coalesce(max(id), 0) FROM audit")[0][0]
    body = assert_error_body(login(api, username, "whatever"), 422)
    assert body["error"] == "validation_error"
    assert [f["loc"] for f in body["fields"]] == [["body", "username"]]
    # Nothing written: rows other tests' requests added meanwhile may be there, none of this one.
    since = query(api.server.db, f"SELECT operator, action FROM audit WHERE id > {newest}")
    assert username not in {row[0] for row in since}

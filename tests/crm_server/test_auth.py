"""Sign-in: guessing is slowed down per (username, address) and per address across usernames
(429 with Retry-After), a correct password from an address with no failures of its own always
gets in, and an account under attack or an address spraying guesses raises an alert.

Each test signs in from loopback addresses of its own (127.0.0.x: other client machines), so
no test's failures count against another's. The operators these tests add to the suite's server
are dispatchers of a kelurahan no other test uses, so no officer list or scope elsewhere changes."""

from __future__ import annotations

import httpx
import pytest

from tests.crm_server.helpers import API, Api, assert_error_body, audit_lines, marker
from tests.support.cli import crm_server
from tests.support.server import query

FAILURES_PER_PAIR = 10  # crm_server.services.login_throttle.LOGIN_FAILURES_PER_PAIR
FAILURES_PER_ADDRESS = 30  # LOGIN_FAILURES_PER_ADDRESS
ALERT_FAILURES = 20  # LOGIN_ALERT_FAILURES
WINDOW_SECONDS = 300


def add_dispatcher(api: Api, username: str, password_line: str):
    """A dispatcher of a kelurahan no other test uses, added with the CLI (password on stdin)."""
    return crm_server(
        "operator", "add", "--db", api.server.db, "--username", username, "--role", "dispatcher",
        "--agency", "JP.GAMBIR.GAMBIR", stdin=password_line,
    )  # fmt: skip


def _add_dispatcher(api: Api, username: str, password: str) -> None:
    added = add_dispatcher(api, username, password + "\n")
    assert added.returncode == 0, added.stderr


def login(api: Api, username: str, password: str):
    return api.http.post(f"{API}/auth/login", json={"username": username, "password": password})


_clients: dict[tuple[str, str], httpx.Client] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_clients():
    yield
    for client in _clients.values():
        client.close()
    _clients.clear()


def login_from(api: Api, address: str, username: str, password: str) -> httpx.Response:
    """A sign-in from another loopback address (127.0.0.2, ...): another client machine."""
    key = (api.server.base_url, address)
    if key not in _clients:
        transport = httpx.HTTPTransport(local_address=address)
        _clients[key] = httpx.Client(base_url=api.server.base_url, transport=transport, timeout=30)
    return _clients[key].post(f"{API}/auth/login", json={"username": username, "password": password})


def _status_from(api: Api, address: str, username: str, password: str) -> int:
    return login_from(api, address, username, password).status_code


def audit_rows(api: Api, *args: str) -> list[list[str]]:
    """`crm-server audit` rows, split: date time operator action number address outcome."""
    return [line.split() for line in crm_server("audit", "--db", api.server.db, *args).stdout.splitlines()]


def test_repeated_failures_are_refused_with_429_even_for_the_right_password(api: Api):
    username, here = marker("locked").lower(), "127.0.0.3"
    _add_dispatcher(api, username, "benar-sekali-ini")
    for _ in range(FAILURES_PER_PAIR):
        assert_error_body(login_from(api, here, username, "salah"), 401)
    refused = login_from(api, here, username, "benar-sekali-ini")
    body = assert_error_body(refused, 429)
    assert body["error"] == "rate_limited"
    assert 0 < int(refused.headers["retry-after"]) <= WINDOW_SECONDS
    assert "token" not in body
    # Only that username is slowed down.
    assert _status_from(api, here, "officer2", "officer2-demo") == 200
    audit = api.audit(operator=username)
    assert len(audit_lines(audit, action="login_failed")) == FAILURES_PER_PAIR + 1
    # The refusal is audited with its address.
    assert audit_rows(api, "--operator", username)[-1][5:] == [here, "rate_limited"]


def test_unknown_usernames_are_slowed_down_too(api: Api):
    username = marker("nobody")
    codes = [_status_from(api, "127.0.0.4", username, "x") for _ in range(FAILURES_PER_PAIR + 2)]
    assert codes == [401] * FAILURES_PER_PAIR + [429, 429]


def test_a_few_failures_do_not_lock_anyone_out(api: Api):
    username, here = marker("typo").lower(), "127.0.0.5"
    _add_dispatcher(api, username, "kata-sandi-saya")
    for _ in range(2):  # a success starts the count again
        for _ in range(FAILURES_PER_PAIR - 1):
            assert _status_from(api, here, username, "kata-sandl-saya") == 401
        assert _status_from(api, here, username, "kata-sandi-saya") == 200


def test_guessing_from_elsewhere_does_not_lock_the_operator_out_at_their_console(api: Api):
    username = marker("target").lower()
    _add_dispatcher(api, username, "punya-saya-sendiri")
    codes = [_status_from(api, "127.0.0.2", username, "tebak") for _ in range(FAILURES_PER_PAIR + 1)]
    assert codes == [401] * FAILURES_PER_PAIR + [429]
    assert _status_from(api, "127.0.0.2", username, "punya-saya-sendiri") == 429  # that address waits
    assert login(api, username, "punya-saya-sendiri").status_code == 200  # from the operator's own


def test_a_success_resets_only_its_own_addresses_counters(api: Api):
    username, guesser = marker("victim").lower(), "127.0.0.6"
    _add_dispatcher(api, username, "sandi-yang-benar")
    for _ in range(FAILURES_PER_PAIR):
        assert _status_from(api, guesser, username, "tebak") == 401
    assert _status_from(api, "127.0.0.7", username, "sandi-yang-benar") == 200  # the victim signs in
    assert _status_from(api, guesser, username, "tebak") == 429  # the guesser still waits


@pytest.mark.slow
def test_guessing_spread_over_many_addresses_cannot_lock_the_operator_out_and_raises_an_alert(api: Api):
    """10 guesses from each of 10 addresses: each guesser is slowed down, the operator is not,
    and the account is reported under attack (an audit alert and a server log line)."""
    username = marker("spread").lower()
    _add_dispatcher(api, username, "rahasia-benar-sekali")
    guessers = [f"127.0.0.{10 + i}" for i in range(10)]
    for address in guessers:
        assert {_status_from(api, address, username, "tebak") for _ in range(FAILURES_PER_PAIR)} == {401}
    assert {_status_from(api, address, username, "rahasia-benar-sekali") for address in guessers[:3]} == {429}
    assert _status_from(api, "127.0.0.99", username, "rahasia-benar-sekali") == 200  # a clean address
    assert login(api, username, "rahasia-benar-sekali").status_code == 200  # the operator's console
    alerts = [row for row in audit_rows(api, "--alerts") if row[2] == username]
    assert [row[3:] for row in alerts] == [["alert", "-", "-", "account_under_attack"]]  # once per window
    assert f"alert: account '{username}' under attack" in api.server.log()


def test_password_spraying_is_slowed_down_per_address_and_raises_an_alert(api: Api):
    """One guess each at many usernames from one address."""
    sprayer = "127.0.0.77"
    codes = [_status_from(api, sprayer, marker("spray").lower(), "Password1!") for _ in range(FAILURES_PER_ADDRESS + 2)]
    assert codes == [401] * FAILURES_PER_ADDRESS + [429, 429]
    assert _status_from(api, sprayer, "officer3", "officer3-demo") == 429  # that address waits for everyone
    assert _status_from(api, "127.0.0.78", "officer3", "officer3-demo") == 200  # nobody else does
    alerts = [row for row in audit_rows(api, "--alerts") if row[5] == sprayer]
    assert [row[2:] for row in alerts] == [["-", "alert", "-", sprayer, "password_spraying"]]
    assert f"alert: password spraying from '{sprayer}'" in api.server.log()


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


# --- whose address: proxies are trusted only when named --------------------------------------


def test_x_forwarded_for_is_ignored_by_default_even_from_loopback(api: Api):
    username = marker("proxied").lower()
    response = api.http.post(
        f"{API}/auth/login",
        json={"username": username, "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 401
    assert [row[5:] for row in audit_rows(api, "--operator", username)] == [["127.0.0.1", "bad_credentials"]]


def test_x_forwarded_for_names_the_client_when_its_proxy_is_trusted(make_api):
    # A server of its own: it runs with a setting (a trusted proxy) no other test should see.
    api = make_api(reports=5, extra_args=("--trusted-proxies", "127.0.0.1"))
    username = marker("proxied").lower()
    for client in ("203.0.113.9", "203.0.113.10"):
        response = api.http.post(
            f"{API}/auth/login", json={"username": username, "password": "x"}, headers={"X-Forwarded-For": client}
        )
        assert response.status_code == 401
    assert [row[5:] for row in audit_rows(api, "--operator", username)] == [
        ["203.0.113.9", "bad_credentials"],
        ["203.0.113.10", "bad_credentials"],
    ]
    # From an address that is not the proxy, the header is ignored.
    response = login_from(api, "127.0.0.2", username, "x")
    assert response.status_code == 401
    assert audit_rows(api, "--operator", username)[-1][5:] == ["127.0.0.2", "bad_credentials"]


def test_a_trusted_proxy_that_is_no_address_is_one_line(tmp_path):
    result = crm_server(
        "serve", "--db", str(tmp_path / "crm.sqlite3"), "--port", "0", "--trusted-proxies", "10.0.0.1,nope", check=False
    )
    assert result.returncode == 2 and "--trusted-proxies" in result.stderr and "nope" in result.stderr

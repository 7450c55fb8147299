"""Malformed requests: always a 4xx with the declared JSON error body, never a 500, and nothing
of the input echoed back (each bad input carries a unique marker that must not come back)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

import httpx
import pytest

from tests.crm_server.helpers import API, Api, assert_error_body, log_through, marker

MARK = "BADINPUT"  # replaced per test by a unique marker


@dataclass(frozen=True)
class Bad:
    method: str
    path: str
    status: int
    user: str | None = "dispatcher"
    json: object = None
    content: bytes | None = None
    params: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    if_match: bool = False  # send the report's current ETag


def _cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


N = "{number}"  # the path of a report the test submitted
CASES: dict[str, Bad] = {
    # bodies
    "login-malformed-json": Bad("POST", "/auth/login", 422, None, content=b'{"username": "BADINPUT", "pass'),
    "login-wrong-types": Bad("POST", "/auth/login", 422, None, json={"username": 7, "password": ["BADINPUT"]}),
    "login-unknown-field": Bad(
        "POST", "/auth/login", 422, None, json={"username": "x", "password": "y", "BADINPUT": 1}
    ),
    "login-huge-username": Bad("POST", "/auth/login", 422, None, json={"username": "BADINPUT" * 20, "password": "y"}),
    "login-unknown-user": Bad("POST", "/auth/login", 401, None, json={"username": "BADINPUT", "password": "BADINPUT"}),
    "login-body-is-a-list": Bad("POST", "/auth/login", 422, None, json=["BADINPUT"]),
    "login-no-body": Bad("POST", "/auth/login", 422, None),
    "assign-body-is-a-string": Bad("POST", f"/reports/{N}/assign", 422, json="BADINPUT", if_match=True),
    "assign-officer-object": Bad("POST", f"/reports/{N}/assign", 422, json={"officer": {"BADINPUT": 1}}, if_match=True),
    "assign-unknown-officer": Bad("POST", f"/reports/{N}/assign", 422, json={"officer": "BADINPUT"}, if_match=True),
    "assign-officer-too-long": Bad(
        "POST", f"/reports/{N}/assign", 422, json={"officer": "BADINPUT" * 10}, if_match=True
    ),
    "assign-malformed-json": Bad(
        "POST",
        f"/reports/{N}/assign",
        422,
        content=b"{BADINPUT",
        if_match=True,
        headers={"Content-Type": "application/json"},
    ),
    "assign-nested-unknown-field": Bad(
        "POST",
        f"/reports/{N}/assign",
        422,
        json={"officer": "officer", "extra": {"BADINPUT": "BADINPUT"}},
        if_match=True,
    ),
    "close-unknown-resolution": Bad(
        "POST", f"/reports/{N}/close", 422, json={"resolution": "BADINPUT", "note": "x"}, if_match=True
    ),
    "close-note-not-a-string": Bad(
        "POST", f"/reports/{N}/close", 422, json={"resolution": "selesai", "note": {"x": "BADINPUT"}}, if_match=True
    ),
    "close-duplicate-of-unknown": Bad(
        "POST",
        f"/reports/{N}/close",
        422,
        json={"resolution": "duplikat", "note": "x", "duplicate_of": "BADINPUT"},
        if_match=True,
    ),
    "note-too-long": Bad("POST", f"/reports/{N}/notes", 422, json={"text": "BADINPUT " * 2500}),
    "note-text-plain": Bad(
        "POST", f"/reports/{N}/notes", 422, content=b"BADINPUT", headers={"Content-Type": "text/plain"}
    ),
    "note-null-text": Bad("POST", f"/reports/{N}/notes", 422, json={"text": None, "BADINPUT": True}),
    "note-invalid-utf8": Bad(
        "POST",
        f"/reports/{N}/notes",
        400,
        content=b'{"text": "\xff\xfeBADINPUT"}',
        headers={"Content-Type": "application/json"},
    ),
    "note-deeply-nested": Bad(
        "POST",
        f"/reports/{N}/notes",
        400,
        content=b'{"text": ' + b"[" * 5000 + b'"BADINPUT"' + b"]" * 5000 + b"}",
        headers={"Content-Type": "application/json"},
    ),
    # query values
    "list-unknown-status": Bad("GET", "/reports", 422, params={"status": "BADINPUT"}),
    "list-unknown-sort": Bad("GET", "/reports", 422, params={"sort": "BADINPUT"}),
    "list-unknown-agency": Bad("GET", "/reports", 422, params={"agency": "BADINPUT"}),
    "list-limit-not-a-number": Bad("GET", "/reports", 422, params={"limit": "BADINPUT"}),
    "list-limit-zero": Bad("GET", "/reports", 422, params={"limit": "0", "q": "BADINPUT"}),
    "list-limit-too-big": Bad("GET", "/reports", 422, params={"limit": "501", "q": "BADINPUT"}),
    "list-limit-huge": Bad("GET", "/reports", 422, params={"limit": "9" * 40, "q": "BADINPUT"}),
    "list-private-not-a-bool": Bad("GET", "/reports", 422, params={"private": "BADINPUT"}),
    "list-overdue-not-a-bool": Bad("GET", "/reports", 422, params={"overdue": "BADINPUT"}),
    "list-q-too-long": Bad("GET", "/reports", 422, params={"q": "BADINPUT" * 30}),
    "list-category-too-long": Bad("GET", "/reports", 422, params={"category": "BADINPUT" * 10}),
    "list-assignee-too-long": Bad("GET", "/reports", 422, params={"assignee": "BADINPUT" * 10}),
    "cursor-garbage": Bad("GET", "/reports", 422, params={"cursor": "BADINPUT!!"}),
    "cursor-not-json": Bad("GET", "/reports", 422, params={"cursor": base64.urlsafe_b64encode(b"BADINPUT").decode()}),
    "cursor-of-another-sort": Bad("GET", "/reports", 422, params={"cursor": _cursor("due", 1, 2), "q": "BADINPUT"}),
    "cursor-wrong-width": Bad("GET", "/reports", 422, params={"cursor": _cursor("-created", 1), "q": "BADINPUT"}),
    "cursor-strings": Bad("GET", "/reports", 422, params={"cursor": _cursor("-created", "BADINPUT", 1)}),
    "cursor-huge-int": Bad("GET", "/reports", 422, params={"cursor": _cursor("-created", 10**30, 1), "q": "BADINPUT"}),
    "cursor-huge-negative": Bad(
        "GET", "/reports", 422, params={"cursor": _cursor("status", -(10**20), 1, 1), "sort": "status", "q": "BADINPUT"}
    ),
    "cursor-just-past-int64": Bad(
        "GET", "/reports", 422, params={"cursor": _cursor("-created", 2**63, 1), "q": "BADINPUT"}
    ),
    "cursor-too-long": Bad("GET", "/reports", 422, params={"cursor": "BADINPUT" * 60}),
    # report numbers
    "number-word": Bad("GET", "/reports/BADINPUT", 422),
    "number-too-short": Bad("GET", "/reports/JK123", 422, params={"BADINPUT": "1"}),
    "number-lowercase": Bad("GET", "/reports/jk2501010001", 422, params={"x": "BADINPUT"}),
    "number-trailing": Bad("GET", "/reports/JK2501010001X", 422, params={"x": "BADINPUT"}),
    "number-too-long": Bad("GET", "/reports/JK25010100011234", 422, params={"x": "BADINPUT"}),
    "number-unknown": Bad("GET", "/reports/JK0001019999", 404, params={"x": "BADINPUT"}),
    "photo-bad-number": Bad("GET", "/reports/BADINPUT/photo", 422),
    "assign-bad-number": Bad(
        "POST", "/reports/BADINPUT/assign", 422, json={"officer": "officer"}, headers={"If-Match": '"1"'}
    ),
    "note-unknown-number": Bad("POST", "/reports/JK0001019999/notes", 404, json={"text": "BADINPUT"}),
    # routes and methods
    "unknown-route": Bad("GET", "/BADINPUT", 404),
    "unknown-version": Bad("GET", "/../v2/reports", 404, params={"q": "BADINPUT"}),
    "unknown-subresource": Bad("GET", f"/reports/{N}/BADINPUT", 404),
    "delete-reports": Bad("DELETE", "/reports", 405, params={"q": "BADINPUT"}),
    "put-report": Bad("PUT", f"/reports/{N}", 405, json={"title": "BADINPUT"}),
    "get-assign": Bad("GET", f"/reports/{N}/assign", 405, params={"officer": "BADINPUT"}),
    "get-login": Bad("GET", "/auth/login", 405, params={"username": "BADINPUT"}),
    "patch-intake": Bad("PATCH", "/intake/reports", 405, None, json={"title": "BADINPUT"}),
    # headers
    "if-match-word": Bad(
        "POST", f"/reports/{N}/assign", 428, json={"officer": "officer"}, headers={"If-Match": '"BADINPUT"'}
    ),
    "if-match-superscript-digit": Bad(
        "POST", f"/reports/{N}/assign", 428, json={"officer": "BADINPUT"}, headers={"If-Match": b'"\xb2"'}
    ),
    "if-match-5000-digits": Bad(
        "POST",
        f"/reports/{N}/close",
        428,
        json={"resolution": "selesai", "note": "BADINPUT"},
        headers={"If-Match": '"' + "9" * 5000 + '"'},
    ),
    "idempotency-key-too-long": Bad(
        "POST", f"/reports/{N}/notes", 422, json={"text": "x"}, headers={"Idempotency-Key": "BADINPUT" * 30}
    ),
    "idempotency-key-latin1": Bad(
        "POST", f"/reports/{N}/notes", 422, json={"text": "BADINPUT"}, headers={"Idempotency-Key": b"k\xe9y"}
    ),
    "token-unknown": Bad("GET", "/me", 401, None, headers={"Authorization": "Bearer BADINPUT"}),
    "token-latin1": Bad("GET", "/me", 401, None, headers={"Authorization": b"Bearer \xe9BADINPUT"}),
    "token-other-scheme": Bad("GET", "/reports", 401, None, headers={"Authorization": "Token BADINPUT"}),
    "last-event-id-too-long": Bad("GET", "/events", 422, headers={"Last-Event-ID": "BADINPUT" * 10}),
    # intake
    "intake-malformed-json": Bad(
        "POST",
        "/intake/reports",
        422,
        None,
        content=b'{"title": "BADINPUT',
        headers={"Content-Type": "application/json", "X-Intake-Key": "{key}"},
    ),
    "intake-unknown-field": Bad(
        "POST", "/intake/reports", 422, None, json={"BADINPUT": 1}, headers={"X-Intake-Key": "{key}"}
    ),
    # The key is checked before the body is read: a key that cannot be one is a wrong key.
    "intake-key-too-long": Bad(
        "POST", "/intake/reports", 401, None, json={"title": "x"}, headers={"X-Intake-Key": "BADINPUT" * 30}
    ),
}
INTAKE_CASES = {
    "intake-unknown-category": {"category": "BADINPUT"},
    "intake-unknown-kelurahan": {"location": {"kelurahan": "BADINPUT"}},
    "intake-unknown-channel": {"channel": "BADINPUT"},
    "intake-lat-word": {"location": {"kelurahan": "JP.GAMBIR.CIDENG", "lat": "BADINPUT"}},
    "intake-lat-out-of-range": {"location": {"kelurahan": "JP.GAMBIR.CIDENG", "lat": 1e308, "address": "BADINPUT"}},
    "intake-title-too-long": {"title": "BADINPUT" * 300},
    "intake-private-not-a-bool": {"private": "BADINPUT"},
    "intake-reporter-unknown-field": {"reporter": {"name": "x", "BADINPUT": "BADINPUT"}},
    "intake-reporter-nik-too-long": {"reporter": {"nik": "BADINPUT" * 5}},
    "intake-photo-garbage": {"photo": "BADINPUT!!"},
    "intake-photo-not-a-string": {"photo": {"data": "BADINPUT"}},
    "intake-location-missing": {"location": None, "description": "BADINPUT"},
}


def _replace(value, old: str, new: str):
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, bytes):
        return value.replace(old.encode(), new.encode())
    if isinstance(value, dict):
        return {_replace(k, old, new): _replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    return value


@pytest.fixture(scope="module")
def report(api: Api) -> str:
    return api.submit()


def assert_not_echoed(response: httpx.Response, mark: str) -> None:
    assert mark.lower() not in response.text.lower(), response.text[:500]
    for name, value in response.headers.items():
        assert mark.lower() not in f"{name}: {value}".lower()


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_request_is_a_clean_4xx(api: Api, report, name):
    case = CASES[name]
    mark = marker("BAD")
    headers = {k: _replace(v, "{key}", api.intake_key) for k, v in _replace(case.headers, MARK, mark).items()}
    if case.user is not None:
        headers.update(api.auth(case.user))
    if case.if_match:
        headers["If-Match"] = api.etag(report)
    path = API + _replace(case.path, MARK, mark).replace(N, report)
    with httpx.Client(base_url=api.server.base_url, timeout=30) as client:  # a 500 may drop the connection
        response = client.request(
            case.method,
            path,
            params=_replace(case.params, MARK, mark),
            headers=headers,
            json=_replace(case.json, MARK, mark),
            content=_replace(case.content, MARK, mark),
        )
    body = assert_error_body(response, case.status)
    assert body["error"] != "internal_error"
    assert_not_echoed(response, mark)
    if mark not in path:  # the access log names the path, and only the path
        assert mark.lower() not in log_through(api.server, body["request_id"]).lower()


@pytest.mark.parametrize("name", sorted(INTAKE_CASES))
def test_bad_intake_is_a_clean_422(api: Api, name):
    mark = marker("BAD")
    body = api.intake_body()
    body.update(_replace(INTAKE_CASES[name], MARK, mark))
    response = api.intake(body)
    body = assert_error_body(response, 422)
    assert_not_echoed(response, mark)
    assert mark.lower() not in log_through(api.server, body["request_id"]).lower()


def test_bad_intake_key_is_401_and_not_echoed(api: Api):
    mark = marker("BAD")
    response = api.intake(api.intake_body(), key=mark)
    assert_error_body(response, 401)
    assert_not_echoed(response, mark)


@pytest.mark.parametrize(
    "path",
    [
        "/reports/%0A2026-01-01 00:00:00,000 INFO crm_server.access: GET /forged 200",
        "/reports/%1B%5D0%3Bowned%07%1B%5B2J",
        "/reports/%E2%80%AEgnp.exe%C2%9B31m%00",
    ],
    ids=["newline", "escape-sequences", "bidi-c1-nul"],
)
def test_access_log_cannot_be_forged_or_carry_terminal_controls(api: Api, path):
    response = api.get("dispatcher", path)
    body = assert_error_body(response)
    log = log_through(api.server, body["request_id"])
    line = next(line for line in log.splitlines() if body["request_id"] in line)
    # One line: the request's own, from its timestamp to its request id.
    assert line.split()[3:6] == ["crm_server.access:", "GET", line.split()[5]]
    assert line.split()[5].startswith(f"{API}/reports/"), line
    controls = [c for c in line if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066"]
    assert controls == []
    assert "\x1b" not in log and "\x00" not in log


def test_validation_errors_name_declared_fields_only(api: Api, report):
    mark = marker("BAD")
    response = api.post(
        "dispatcher", f"/reports/{report}/close", {"resolution": 5, "note": None, mark: mark}, if_match=api.etag(report)
    )
    body = assert_error_body(response, 422)
    assert body["error"] == "validation_error"
    assert {tuple(f["loc"]) for f in body["fields"]} == {("body", "resolution"), ("body", "note"), ("body",)}
    assert all(set(f) == {"loc", "type"} for f in body["fields"])
    assert_not_echoed(response, mark)


def test_odd_but_valid_queries_are_answered(api: Api):
    """Search text is data, not syntax: quotes, FTS operators, wildcards and controls are searched
    for literally (or cleaned away), never an error."""
    for q in [
        '"',
        '""',
        'a"b"c',
        "AND OR NOT",
        "*",
        "NEAR(a b)",
        "\x00abc",
        "ab",
        "%_%",
        "\\",
        "jalan*",
        "'; DROP TABLE reports; --",
        "\u202eabc",
        "🚧🚧🚧",
    ]:
        response = api.get("dispatcher", "/reports", params={"q": q})
        assert response.status_code == 200, (q, response.text)
    like = api.reports("supervisor", q="%", limit=1)
    assert like["total"] == 0  # a literal percent sign, not "anything"
    assert api.reports("dispatcher", assignee="nobody-at-all")["total"] == 0
    assert api.reports("dispatcher", category="no-such-category")["total"] == 0


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", "99999999999999999999", "\xb2"])
def test_unusable_last_event_id_means_resync_not_an_error(api: Api, value):
    headers = {**api.auth("dispatcher"), "Last-Event-ID": value.encode("latin-1")}
    with (
        httpx.Client(base_url=api.server.base_url, timeout=10) as client,
        client.stream("GET", f"{API}/events", headers=headers) as response,
    ):
        assert response.status_code == 200
        lines = response.iter_lines()
        assert next(lines).startswith("retry:")
        head = [next(lines) for _ in range(4)]
    assert "event: resync" in head, head
    data = json.loads(next(line for line in head if line.startswith("data:"))[5:])
    assert data["reason"] == "cannot_replay" and isinstance(data["latest_id"], int)


@pytest.mark.parametrize(
    "params",
    [{"category": "jalan\x00rusak"}, {"category": ["banjir", "Ba njir"]}, {"assignee": "off\x00icer"}],
    ids=["category-nul", "category-not-a-code", "assignee-nul"],
)
def test_filters_outside_their_stated_form_are_a_422_on_every_database(api: Api, params):
    """A NUL reached PostgreSQL, which cannot hold one in text, as a 500."""
    response = api.get("dispatcher", "/reports", params=params)
    body = assert_error_body(response, 422)
    assert body["fields"][0]["loc"][:2] == ["query", next(iter(params))]

"""Faults a real server cannot be made to produce on demand: refused connections, timeouts mid
body, a slow drip, 503 with Retry-After, malformed or over-sharing payloads. `httpx.MockTransport`
stands in for the server only here; response bodies are taken from the real server where a
realistic one is needed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import msgspec
import pytest

from api_client import (
    APIConnectionError,
    APITimeoutError,
    CrmClient,
    NotFound,
    RateLimited,
    ReportQuery,
    ResponseParseError,
    RetryPolicy,
    ServerError,
    Timeouts,
)
from api_client.errors import PreconditionFailed, error_from_response
from tests.api_client.conftest import FAST_RETRY, QUICK, Recorder
from tests.support.server import free_port

BASE = "http://crm.test"
TRIES = FAST_RETRY.max_retries + 1


def mock_client(handler, **kwargs) -> CrmClient:
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("timeouts", QUICK)
    return CrmClient(BASE, token="t0ken-not-for-display", transport=httpx.MockTransport(handler), **kwargs)


class Script:
    """A MockTransport handler answering from a list, one response per request; the last one
    answers every request after it. A callable answer makes a fresh response each time."""

    def __init__(self, *responses: httpx.Response | Exception | Callable[[], httpx.Response]) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses[min(len(self.requests), len(self.responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer() if callable(answer) else answer


HEALTH = httpx.Response(200, json={"status": "ok", "schema_version": 1})


# --- connection failures --------------------------------------------------------------------


async def test_connection_refused_is_retried_then_a_connection_error():
    recorder = Recorder()
    async with CrmClient(
        f"http://127.0.0.1:{free_port()}", transport=recorder, retry=FAST_RETRY, timeouts=QUICK
    ) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.health()
        assert len(recorder.requests) == TRIES
        # A request that never left may be retried even where a response could not be: login.
        recorder.requests.clear()
        with pytest.raises(APIConnectionError):
            await client.login("dispatcher", "pw")
        assert len(recorder.requests) == TRIES
    assert caught.value.cause == "ConnectError"
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.message == "Cannot reach the CRM server."


class _BrokenBody(httpx.AsyncByteStream):
    """Some bytes of the body, then the read times out."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"status": "o'
        raise httpx.ReadTimeout("timed out")


async def test_a_timeout_mid_body_is_retried_then_a_timeout_error():
    script = Script(lambda: httpx.Response(200, stream=_BrokenBody()))
    async with mock_client(script) as client:
        with pytest.raises(APITimeoutError) as caught:
            await client.health()
    assert len(script.requests) == TRIES
    assert caught.value.cause == "ReadTimeout"


async def test_a_timeout_mid_body_then_a_good_answer():
    script = Script(httpx.Response(200, stream=_BrokenBody()), HEALTH)
    async with mock_client(script) as client:
        assert (await client.health()).status == "ok"
    assert len(script.requests) == 2


async def _drip_server(interval: float) -> tuple[asyncio.Server, int]:
    """A loopback HTTP server that sends its headers, then one byte of body every `interval`:
    no single read ever waits long enough for a read timeout."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(interval)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_a_slow_drip_cannot_hold_a_call_past_its_deadline():
    server, port = await _drip_server(0.05)
    deadline = 1.0
    timeouts = Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0, deadline=deadline)
    async with server, CrmClient(f"http://127.0.0.1:{port}", timeouts=timeouts, retry=FAST_RETRY) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            await client.health()
        elapsed = time.monotonic() - started
    assert deadline <= elapsed < deadline + 0.5
    assert caught.value.cause == "deadline"


# --- statuses that are retried, and those that are not ---------------------------------------


async def test_503_retry_after_seconds_is_honoured():
    script = Script(httpx.Response(503, headers={"Retry-After": "1"}), HEALTH)
    async with mock_client(script) as client:
        started = time.monotonic()
        assert (await client.health()).status == "ok"
    # The policy's own backoff is at most 0.05 s: only Retry-After makes it wait a second.
    assert time.monotonic() - started >= 1.0
    assert len(script.requests) == 2


async def test_retry_after_as_an_http_date_and_capped():
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    script = Script(httpx.Response(503, headers={"Retry-After": later}), HEALTH)
    policy = RetryPolicy(max_retries=2, initial_backoff=0.01, max_backoff=0.05, retry_after_cap=0.3)
    async with mock_client(script, retry=policy) as client:
        started = time.monotonic()
        assert (await client.health()).status == "ok"
    assert 0.3 <= time.monotonic() - started < 1.5
    assert len(script.requests) == 2


async def test_a_retry_after_beyond_the_deadline_fails_at_once():
    script = Script(
        httpx.Response(
            429,
            headers={"Retry-After": "3600"},
            json={"error": "rate_limited", "message": "Too many attempts; wait and try again.", "request_id": "req_1"},
        )
    )
    policy = RetryPolicy(max_retries=3, retry_after_cap=60.0)
    async with mock_client(script, retry=policy) as client:
        started = time.monotonic()
        with pytest.raises(RateLimited) as caught:
            await client.me()
    assert time.monotonic() - started < 1.0
    assert len(script.requests) == 1
    assert caught.value.retry_after == 3600.0 and caught.value.request_id == "req_1"


async def test_429_and_502_504_are_retried_until_the_budget_runs_out():
    for status, error in ((429, RateLimited), (502, ServerError), (504, ServerError)):
        script = Script(httpx.Response(status, headers={"Retry-After": "0"}))
        async with mock_client(script) as client:
            with pytest.raises(error) as caught:
                await client.categories()
        assert len(script.requests) == TRIES
        assert caught.value.status_code == status


async def test_500_is_not_retried():
    script = Script(httpx.Response(500, text="Traceback (most recent call last): secret internals"))
    async with mock_client(script) as client:
        with pytest.raises(ServerError) as caught:
            await client.agencies()
    assert len(script.requests) == 1
    assert caught.value.message == "The CRM server failed; try again."
    assert "internals" not in repr(caught.value)


async def test_other_4xx_are_not_retried(demo_server, client_for):
    recorder = Recorder()
    client = await client_for("dispatcher", transport=recorder)
    before = len(recorder.requests)
    with pytest.raises(NotFound):
        await client.get_report("JK0000000000")
    assert len(recorder.requests) == before + 1


# --- payloads the client cannot or must not take ----------------------------------------------

PAYLOAD_MARK = "PAYLOAD-ECHO-7f3a"


async def test_malformed_json_is_a_parse_error_that_does_not_echo_it():
    script = Script(httpx.Response(200, text='{"status": "ok", "schema_version": "' + PAYLOAD_MARK))
    async with mock_client(script) as client:
        with pytest.raises(ResponseParseError) as caught:
            await client.health()
    error = caught.value
    assert PAYLOAD_MARK not in str(error) and PAYLOAD_MARK not in repr(error)
    assert error.__cause__ is None and error.__context__ is None  # msgspec's error (it can echo) is not chained
    assert error.what == "Health" and error.problems
    assert len(script.requests) == 1


async def test_a_payload_of_the_wrong_shape_names_the_field_not_the_value(demo_server, client_for):
    real = await (await client_for("dispatcher")).list_reports(limit=3)
    wrong_status, naive_time = msgspec.to_builtins(real), msgspec.to_builtins(real)
    wrong_status["items"][1]["status"] = PAYLOAD_MARK
    naive_time["items"][2]["created_at"] = "2026-01-01T00:00:00"  # naive: not accepted
    for body, problem in ((wrong_status, "items.1.status: enum"), (naive_time, "items.2.created_at: type_error")):
        async with mock_client(Script(httpx.Response(200, json=body))) as client:
            with pytest.raises(ResponseParseError) as caught:
                await client.list_reports()
        error = caught.value
        assert PAYLOAD_MARK not in repr(error) and PAYLOAD_MARK not in str(error)
        assert error.problems == (problem,)
        assert error.__context__ is None


REPORTER = {
    "name": "Siti Reporter-NAME-91",
    "phone": "+62-812-PHONE-91",
    "email": "siti.EMAIL-91@example.id",
    "nik": "3171NIK91",
    "account": "jaki-ACCOUNT-91",
}


def _leak(obj: dict) -> dict:
    return {**obj, "reporter": REPORTER, **{f"reporter_{k}": v for k, v in REPORTER.items()}, **REPORTER}


async def test_reporter_fields_a_backend_leaks_are_dropped(demo_server, client_for):
    real_client = await client_for("dispatcher")
    page = await real_client.list_reports(limit=2)
    report = await real_client.get_report(page.items[0].number)
    leaky_report = _leak({k: v for k, v in msgspec.to_builtins(report).items() if k != "etag"})
    leaky_report["history"] = [_leak(h) for h in leaky_report["history"]]
    leaky_report["location"] = _leak(leaky_report["location"])
    leaky_page = msgspec.to_builtins(page)
    leaky_page = _leak({**leaky_page, "items": [_leak(i) for i in leaky_page["items"]]})

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/reports"):
            return httpx.Response(200, json=leaky_page)
        return httpx.Response(200, json=leaky_report, headers={"ETag": report.etag})

    async with mock_client(handler) as client:
        got_page = await client.list_reports()
        got = await client.get_report(report.number)
    assert got == report and got_page == page
    for model in (got, got.location, got.history[0], got_page, got_page.items[0]):
        for field in ("reporter", "name", "phone", "email", "nik", "account", "reporter_name", "reporter_phone"):
            assert not hasattr(model, field)
    dumped = repr(got) + msgspec.json.encode(got).decode() + repr(got_page) + msgspec.json.encode(got_page).decode()
    for value in REPORTER.values():
        assert value not in dumped


# --- the one mapping of responses to errors ---------------------------------------------------


def _response(status: int, body: object = None, *, text: str | None = None, **headers: str) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def test_the_server_message_is_kept_only_when_it_is_safe():
    good = {"error": "forbidden", "message": "This report is private: its photo is locked.", "request_id": "req_a"}
    assert error_from_response(_response(403, good)).message == good["message"]
    unsafe = [
        {**good, "message": "x" * 500},
        {**good, "message": "look \x1b]52;c;ZXZpbA==\x07 here"},
        {**good, "message": "bidi \u202e txet"},
        {**good, "message": "token S3CRET-T0KEN leaked"},
        {"message": "no error code: not our shape", "request_id": "req_a"},
    ]
    for body in unsafe:
        error = error_from_response(_response(403, body), secrets=("S3CRET-T0KEN",))
        assert error.message == "Your role may not do this.", body
        assert "S3CRET" not in repr(error)
    html = error_from_response(
        _response(502, text="<html>bad gateway " + PAYLOAD_MARK + "</html>", **{"X-Request-ID": "req_h"})
    )
    assert isinstance(html, ServerError) and PAYLOAD_MARK not in repr(html) and html.request_id == "req_h"
    odd = error_from_response(_response(418, text="teapot"))
    assert odd.status_code == 418 and odd.message == "The CRM server refused the request (HTTP 418)."


def test_a_412_carries_what_changed():
    body = {
        "error": "precondition_failed",
        "message": "The report changed since you loaded it.",
        "request_id": "req_b",
        "current_version": 4,
        "changed_by": "Sari Wulandari",
        "changed_at": "2026-11-28T08:17:38+00:00",
    }
    error = error_from_response(_response(412, body))
    assert isinstance(error, PreconditionFailed)
    assert (error.current_version, error.changed_by) == (4, "Sari Wulandari")
    assert error.changed_at == datetime(2026, 11, 28, 8, 17, 38, tzinfo=UTC)
    broken = error_from_response(_response(412, {**body, "current_version": "4", "changed_at": "yesterday"}))
    assert broken.current_version is None and broken.changed_at is None and broken.changed_by == "Sari Wulandari"


async def test_a_huge_response_is_refused_not_buffered():
    from api_client.client import MAX_RESPONSE_BYTES

    script = Script(httpx.Response(200, content=b" " * (MAX_RESPONSE_BYTES + 1)))
    async with mock_client(script) as client:
        with pytest.raises(ResponseParseError):
            await client.health()


async def test_list_reports_sends_the_query(demo_server):
    script = Script(httpx.Response(200, json={"items": [], "total": 0, "next_cursor": None}))
    query = ReportQuery(
        status=["Menunggu", "Proses"],
        category="banjir",
        agency="JP",
        assignee="me",
        private=False,
        overdue=True,
        q=" got ",
        sort="due",
    )
    async with mock_client(script) as client:
        await client.list_reports(query, cursor="abc", limit=7)
    params = script.requests[0].url.params
    assert params.get_list("status") == ["Menunggu", "Proses"]
    assert dict(params.multi_items()) | {"status": "x"} == {
        "status": "x",
        "category": "banjir",
        "agency": "JP",
        "assignee": "me",
        "private": "false",
        "overdue": "true",
        "q": "got",
        "sort": "due",
        "cursor": "abc",
        "limit": "7",
    }

"""The event stream against the real server (heartbeat 1 s): live events, replay by
Last-Event-ID, resync, a connection cut mid-event, read timeouts, and the end of a session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import pytest

from api_client import (
    CrmClient,
    Event,
    OperatorRef,
    Resync,
    StreamItem,
    StreamStatus,
    Timeouts,
    Unauthorized,
)
from tests.api_client.conftest import DISPLAY_NAMES, FAST_RETRY, HOME, QUICK, Recorder
from tests.support.server import ServerProcess, free_port

WAIT = 10.0  # seconds any single expected item may take (the server polls every 0.25 s)


@pytest.fixture(scope="module")
def events_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("events") / "crm.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture
async def dispatcher(client_for, events_server) -> CrmClient:
    return await client_for("dispatcher", server=events_server)


@pytest.fixture
async def report_number(dispatcher) -> str:
    return (await dispatcher.list_reports(limit=1)).items[0].number


async def next_item(stream: AsyncIterator[StreamItem]) -> StreamItem:
    with anyio.fail_after(WAIT):
        return await anext(stream)


async def take(stream: AsyncIterator[StreamItem], count: int) -> list[StreamItem]:
    return [await next_item(stream) for _ in range(count)]


async def latest_event_id(client: CrmClient) -> int:
    """The newest event id: asking to resume from far ahead makes the server say where it is."""
    stream = client.events(last_event_id=10**15)
    try:
        connected, resync = await take(stream, 2)
    finally:
        await stream.aclose()
    assert connected == StreamStatus(state="connected")
    assert isinstance(resync, Resync) and resync.reason == "cannot_replay"
    return resync.latest_id


async def test_a_live_event_arrives(dispatcher, report_number):
    stream = dispatcher.events()
    try:
        assert await next_item(stream) == StreamStatus(state="connected")
        note = await dispatcher.add_note(report_number, "live")
        event = await next_item(stream)
    finally:
        await stream.aclose()
    assert isinstance(event, Event)
    assert event.type == "noted" and event.report.number == report_number
    assert event.at.tzinfo is not None and event.at >= note.at.replace(microsecond=0)


def submit_by_intake(server: ServerProcess, category: str) -> str:
    body = {
        "channel": "JAKI",
        "category": category,
        "title": "Lampu jalan padam",
        "location": {"kelurahan": HOME},
        "reporter": {"name": "Ibu Pelapor", "phone": "081234567890"},
    }
    response = httpx.post(
        f"{server.base_url}/api/v1/intake/reports", json=body, headers={"X-Intake-Key": server.intake_key()}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


async def test_an_event_names_who_made_the_change(dispatcher, events_server, report_number):
    """The operator behind a change; no one for a report the intake created (never its reporter)."""
    category = next(c.code for c in await dispatcher.categories() if c.dinas_code is None)  # lands in HOME
    stream = dispatcher.events()
    try:
        assert await next_item(stream) == StreamStatus(state="connected")
        await dispatcher.add_note(report_number, "siapa yang mengubah")
        noted = await next_item(stream)
        number = await anyio.to_thread.run_sync(submit_by_intake, events_server, category)
        created = await next_item(stream)
    finally:
        await stream.aclose()
    assert isinstance(noted, Event) and noted.type == "noted"
    assert noted.actor == OperatorRef(username="dispatcher", display_name=DISPLAY_NAMES["dispatcher"])
    assert isinstance(created, Event) and (created.type, created.report.number) == ("created", number)
    assert created.actor is None


async def test_last_event_id_replays_what_was_missed(dispatcher, report_number):
    start = await latest_event_id(dispatcher)
    for text in ("satu", "dua", "tiga"):
        await dispatcher.add_note(report_number, text)
    stream = dispatcher.events(last_event_id=start)
    try:
        items = await take(stream, 4)
    finally:
        await stream.aclose()
    assert items[0] == StreamStatus(state="connected")
    assert [(e.id, e.type) for e in items[1:]] == [(start + i, "noted") for i in (1, 2, 3)]


async def test_resync_when_the_server_cannot_replay_then_events_carry_on(dispatcher, report_number):
    latest = await latest_event_id(dispatcher)
    stream = dispatcher.events(last_event_id=latest + 1000)
    try:
        _connected, resync = await take(stream, 2)
        await dispatcher.add_note(report_number, "after resync")
        event = await next_item(stream)
    finally:
        await stream.aclose()
    assert resync == Resync(latest_id=latest, reason="cannot_replay")
    assert isinstance(event, Event) and event.id == latest + 1


class _CutMidFrame(httpx.AsyncByteStream):
    """Passes the real stream through until `into` bytes into the `frame`-th `id:` line, then
    breaks the connection: that event's id and type have arrived, its data has not ended."""

    def __init__(self, upstream: httpx.AsyncByteStream, frame: int, into: int) -> None:
        self.upstream, self.frame, self.into = upstream, frame, into

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen, sent = b"", 0
        async for chunk in self.upstream:
            seen += chunk
            at = -1
            for _ in range(self.frame):
                at = seen.find(b"id: ", at + 1)
                if at < 0:
                    break
            if at >= 0 and len(seen) >= at + self.into:
                yield seen[sent : at + self.into]
                raise httpx.ReadError("connection cut mid-event")
            yield seen[sent:]
            sent = len(seen)

    async def aclose(self) -> None:
        await self.upstream.aclose()


class CutFirstStream(httpx.AsyncBaseTransport):
    def __init__(self, frame: int, into: int) -> None:
        self.real = Recorder()
        self.frame, self.into = frame, into
        self.cut = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.real.handle_async_request(request)
        if request.url.path.endswith("/events") and not self.cut:
            self.cut = True
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                request=request,
                stream=_CutMidFrame(response.stream, self.frame, self.into),
            )
        return response

    async def aclose(self) -> None:
        await self.real.aclose()


async def test_a_stream_cut_mid_event_resumes_with_no_gap_and_no_duplicate(
    client_for, events_server, dispatcher, report_number
):
    start = await latest_event_id(dispatcher)
    for i in range(4):
        await dispatcher.add_note(report_number, f"catatan {i}")
    transport = CutFirstStream(frame=4, into=40)  # the third event (the first `id:` is the stream's position)
    client = await client_for("dispatcher", server=events_server, transport=transport)
    stream = client.events(last_event_id=start)
    try:
        items = await take(stream, 7)
    finally:
        await stream.aclose()

    kinds = [i.state if isinstance(i, StreamStatus) else type(i).__name__ for i in items]
    assert kinds == ["connected", "Event", "Event", "reconnecting", "connected", "Event", "Event"]
    assert [i.id for i in items if isinstance(i, Event)] == [start + 1, start + 2, start + 3, start + 4]
    reconnecting = items[3]
    assert reconnecting.attempt == 1 and reconnecting.reason == "Cannot reach the CRM server."
    assert 0 <= reconnecting.retry_in <= FAST_RETRY.max_backoff
    streams = [r for r in transport.real.requests if r.url.path.endswith("/events")]
    assert [r.headers.get("Last-Event-ID") for r in streams] == [str(start), str(start + 2)]
    assert transport.cut


async def test_a_read_timeout_shorter_than_the_heartbeat_reconnects(client_for, events_server):
    timeouts = Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0, deadline=10.0, stream_read=0.3)
    client = await client_for("dispatcher", server=events_server, timeouts=timeouts)
    stream = client.events()
    try:
        items = await take(stream, 3)
    finally:
        await stream.aclose()
    assert [i.state for i in items] == ["connected", "reconnecting", "connected"]
    assert items[1].reason == "The CRM server did not answer in time."


async def test_heartbeats_keep_a_quiet_stream_open(client_for, events_server):
    # stream_read (2 s) is longer than the heartbeat (1 s): across two heartbeats and no
    # events, nothing is yielded, so the connection was never lost.
    timeouts = Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0, deadline=10.0, stream_read=2.0)
    recorder = Recorder()
    client = await client_for("dispatcher", server=events_server, timeouts=timeouts, transport=recorder)
    stream = client.events()
    try:
        assert await next_item(stream) == StreamStatus(state="connected")
        with anyio.move_on_after(2.6) as scope:
            item = await anext(stream)
    finally:
        await stream.aclose()
    assert scope.cancelled_caught, f"expected silence, got {item!r}"
    assert sum(r.url.path.endswith("/events") for r in recorder.requests) == 1


async def test_the_session_ending_stops_the_stream(client_for, events_server):
    client = await client_for("officer", server=events_server)
    other = await client_for(None, server=events_server)
    other.token = client.token
    stream = client.events()
    try:
        assert await next_item(stream) == StreamStatus(state="connected")
        await other.logout()  # the same token, revoked elsewhere
        with pytest.raises(Unauthorized):
            await next_item(stream)  # the server checks the token at its next heartbeat
    finally:
        await stream.aclose()


async def test_signing_in_again_keeps_the_stream_going_with_the_new_token(client_for, events_server, report_number):
    client = await client_for("dispatcher", server=events_server)
    stream = client.events()
    try:
        assert await next_item(stream) == StreamStatus(state="connected")
        # As unlocking the console does: a new token, and the one the stream holds revoked.
        await client.login("dispatcher", "dispatcher-demo", revoke_previous=True)
        # At its next heartbeat the server ends the stream for the old token; the stream comes
        # back with the new one, and events carry on without a gap.
        assert await next_item(stream) == StreamStatus(state="connected")
        await client.add_note(report_number, "after signing in again")
        event = await next_item(stream)
    finally:
        await stream.aclose()
    assert isinstance(event, Event) and event.type == "noted" and event.report.number == report_number


async def test_a_401_at_connect_stops_at_once(client_for, events_server):
    recorder = Recorder()
    client = await client_for(None, server=events_server, transport=recorder)
    client.token = "no-such-token"
    stream = client.events()
    with pytest.raises(Unauthorized) as caught:
        await next_item(stream)
    assert caught.value.status_code == 401 and "no-such-token" not in repr(caught.value)
    assert len(recorder.requests) == 1


async def test_an_unreachable_server_is_retried_with_backoff():
    async with CrmClient(f"http://127.0.0.1:{free_port()}", token="t", retry=FAST_RETRY, timeouts=QUICK) as client:
        stream = client.events(last_event_id=7)
        try:
            items = await take(stream, 3)
        finally:
            await stream.aclose()
    assert [(i.state, i.attempt) for i in items] == [("reconnecting", 1), ("reconnecting", 2), ("reconnecting", 3)]
    assert all(0 <= i.retry_in <= FAST_RETRY.max_backoff and i.reason == "Cannot reach the CRM server." for i in items)

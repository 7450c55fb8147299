"""The SSE parser by the WHATWG rules, and the iterator's handling of streams the real server
never sends (replayed duplicates, an unreadable event, a clean end): MockTransport only here."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest

from api_client import CrmClient, Event, Forbidden, Resync, StreamStatus, Unauthorized
from api_client.sse import LineSplitter, ServerSentEvent, SSEDecoder, StreamProtocolError
from tests.api_client.conftest import FAST_RETRY, QUICK


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    splitter, decoder = LineSplitter(), SSEDecoder()
    events = []
    for chunk in chunks:
        for line in splitter.feed(chunk):
            if (event := decoder.feed(line)) is not None:
                events.append(event)
    return events


def test_frames_with_every_line_ending_even_split_across_chunks():
    stream = (
        b'\xef\xbb\xbfretry: 2000\n\nid: 1\r\nevent: created\r\ndata: {"a":\r\n\r\nid: 2\revent: noted\rdata: x\r\r'
    )
    whole = decode(stream)
    assert whole == [ServerSentEvent("created", '{"a":', "1"), ServerSentEvent("noted", "x", "2")]
    assert decode(*[stream[i : i + 1] for i in range(len(stream))]) == whole


def test_comments_multiline_data_ids_and_fields_without_values():
    events = decode(
        b": heartbeat\n\n"
        b"data: first\ndata:second\ndata\n\n"  # no space after the colon, and a bare field
        b"id: 7\nevent: noted\ndata: a\n\n"
        b"data: inherits the last id\n\n"
        b"id\ndata: id reset by a bare field\n\n"
        b"id: 9\n\n"  # an id alone dispatches nothing
    )
    assert events == [
        ServerSentEvent("message", "first\nsecond\n", None),
        ServerSentEvent("noted", "a", "7"),
        ServerSentEvent("message", "inherits the last id", "7"),
        ServerSentEvent("message", "id reset by a bare field", ""),
    ]


def test_retry_is_read_and_a_multibyte_character_split_across_chunks_survives():
    splitter, decoder = LineSplitter(), SSEDecoder()
    text = "data: Jl. Pramuka – Matraman 🙂\n\n".encode()
    cut = text.index("🙂".encode()) + 2
    lines = splitter.feed(b"retry: 1500\n") + splitter.feed(text[:cut]) + splitter.feed(text[cut:])
    events = [e for e in map(decoder.feed, lines) if e]
    assert decoder.retry_ms == 1500
    assert events[0].data == "Jl. Pramuka – Matraman 🙂"


def test_an_unterminated_frame_is_never_dispatched_and_a_huge_line_is_refused():
    assert decode(b'id: 3\nevent: noted\ndata: {"id": 3}\n') == []
    splitter = LineSplitter()
    with pytest.raises(StreamProtocolError):
        for _ in range(20):
            splitter.feed(b"x" * 100_000)


# --- the iterator, against streams the real server does not send ------------------------------

SUMMARY = {
    "number": "JK2611280001",
    "status": "Proses",
    "channel": "JAKI",
    "category": "banjir",
    "category_name": "Banjir",
    "title": "Air meluap",
    "kelurahan": "Cideng",
    "kecamatan": "Gambir",
    "city": "Jakarta Pusat",
    "agency": {"code": "JP.GAMBIR.CIDENG", "name": "Kelurahan Cideng"},
    "assignee": None,
    "private": True,
    "photo": "locked",
    "created_at": "2026-11-28T00:12:07Z",
    "updated_at": "2026-11-28T08:17:38Z",
    "due_at": "2026-12-05T00:12:07Z",
    "version": 2,
}


def frame(event_id: int, kind: str = "noted", data: str | None = None) -> bytes:
    body = (
        data
        if data is not None
        else json.dumps({"id": event_id, "type": kind, "at": "2026-11-28T09:00:00Z", "report": SUMMARY})
    )
    return f"id: {event_id}\nevent: {kind}\ndata: {body}\n\n".encode()


class Streams:
    """One scripted stream body per connection; records the Last-Event-ID of each."""

    def __init__(self, *bodies: bytes) -> None:
        self.bodies = list(bodies)
        self.last_ids: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.last_ids.append(request.headers.get("Last-Event-ID"))
        body = self.bodies[min(len(self.last_ids), len(self.bodies)) - 1]
        return httpx.Response(200, content=body, headers={"Content-Type": "text/event-stream; charset=utf-8"})


async def items_of(streams: Streams, count: int, **kwargs) -> list:
    client = CrmClient(
        "http://crm.test", token="t", transport=httpx.MockTransport(streams), retry=FAST_RETRY, timeouts=QUICK
    )
    async with client:
        stream = client.events(**kwargs)
        try:
            with anyio.fail_after(5):
                return [await anext(stream) for _ in range(count)]
        finally:
            await stream.aclose()


def ids(items: list) -> list:
    return [i.id if isinstance(i, Event) else i.state if isinstance(i, StreamStatus) else i for i in items]


async def test_events_a_server_replays_again_are_dropped():
    streams = Streams(b"retry: 10\n\n" + frame(1) + frame(2), frame(1) + frame(2) + frame(3), b": quiet\n\n")
    items = await items_of(streams, 7)
    assert ids(items) == ["connected", 1, 2, "reconnecting", "connected", 3, "reconnecting"]
    assert items[3].reason == "The event stream ended."
    assert streams.last_ids[:2] == [None, "2"]


async def test_an_event_from_a_server_that_names_no_actor_still_parses():
    items = await items_of(Streams(frame(1, "assigned")), 2)
    assert isinstance(items[1], Event) and items[1].type == "assigned"
    assert items[1].actor is None


async def test_a_resumed_stream_drops_ids_at_or_below_the_resume_point():
    items = await items_of(Streams(frame(4) + frame(5) + frame(6)), 3, last_event_id=5)
    assert ids(items) == ["connected", 6, "reconnecting"]


async def test_an_unreadable_event_becomes_a_resync_not_a_gap():
    streams = Streams(frame(1) + frame(2, data='{"id": 2, "type": "noted", "report": "PAYLOAD-X"}') + frame(3))
    items = await items_of(streams, 4)
    assert ids(items)[:2] == ["connected", 1]
    assert items[2] == Resync(latest_id=2, reason="unreadable_event")
    assert items[3].id == 3


async def test_a_resync_with_a_lower_id_moves_the_resume_point_back():
    resync = b'id: 2\nevent: resync\ndata: {"reason": "cannot_replay", "latest_id": 2}\n\n'
    streams = Streams(resync + frame(3), b"")
    items = await items_of(streams, 5, last_event_id=900)
    assert ids(items)[:3] == ["connected", Resync(latest_id=2), 3]
    assert streams.last_ids[:2] == ["900", "3"]


async def test_an_unauthorized_event_ends_the_stream():
    unauthorized = b'event: unauthorized\ndata: {"reason": "token_expired"}\n\n'
    client = CrmClient("http://crm.test", token="t", transport=httpx.MockTransport(Streams(frame(1) + unauthorized)))
    async with client:
        stream = client.events()
        assert ids([await anext(stream), await anext(stream)]) == ["connected", 1]
        with pytest.raises(Unauthorized):
            await anext(stream)
        with pytest.raises(StopAsyncIteration):
            await anext(stream)


async def test_a_503_at_connect_is_retried_after_its_retry_after_and_a_403_is_not():
    def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "1.5"})

    async with CrmClient(
        "http://crm.test", token="t", transport=httpx.MockTransport(unavailable), retry=FAST_RETRY
    ) as client:
        stream = client.events()
        status = await anext(stream)
        await stream.aclose()
    assert status == StreamStatus(
        state="reconnecting", retry_in=1.5, attempt=1, reason="The CRM server failed; try again."
    )

    def forbidden(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"error": "forbidden", "message": "No events for you.", "request_id": "r"})

    async with CrmClient("http://crm.test", token="tok-4f9a2c", transport=httpx.MockTransport(forbidden)) as client:
        with pytest.raises(Forbidden) as caught:
            await anext(client.events())
    assert caught.value.message == "No events for you."


def test_an_id_alone_is_the_streams_position_and_dispatches_nothing():
    splitter, decoder = LineSplitter(), SSEDecoder()
    dispatched = []
    for line in splitter.feed(b"retry: 2000\n\nid: 41\n\nid: 42\nevent: noted\ndata: {}\n\n: heartbeat\n\n"):
        if (event := decoder.feed(line)) is not None:
            dispatched.append(event)
    assert [(e.id, e.event) for e in dispatched] == [("42", "noted")]
    assert decoder.position == "41"  # an event with data is an event, not a position

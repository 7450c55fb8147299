"""Server-Sent Events: a line parser (WHATWG rules) and the resilient iterator over report events.

The iterator reconnects with backoff and `Last-Event-ID` after a dropped or cut connection, a read
timeout (no heartbeat), or a clean end of the stream; drops events it has already yielded; turns
the server's `resync` into `Resync`; and stops with `Unauthorized` on an `unauthorized` event or
a 401. An event cut off before its terminating blank line is discarded, never half-parsed: the
server replays it on the next connection.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import get_args

import anyio
import httpx

from api_client.errors import APIConnectionError, APIStatusError, ResponseParseError, Unauthorized, error_from_transport
from api_client.models import Event, EventType, Resync, StreamItem, StreamStatus, parse_json
from api_client.retry import RETRYABLE_STATUS, RetryPolicy

log = logging.getLogger(__name__)

MAX_LINE_CHARS = 1024 * 1024  # a longer line is a broken stream: reconnect
MAX_RETRY_HINT_SECONDS = 60.0
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
EVENT_TYPES = frozenset(get_args(EventType))  # every change the server announces, lifecycle ones too


@dataclass(frozen=True)
class ServerSentEvent:
    event: str
    data: str
    id: str | None


class StreamProtocolError(Exception):
    """The stream broke the SSE format in a way that cannot be recovered on this connection."""


class LineSplitter:
    """Bytes in, complete lines out: UTF-8 decoded incrementally, split on CRLF, LF or CR (even
    when a CRLF straddles two chunks). An unterminated last line is never returned."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._after_cr = False
        self._started = False

    def feed(self, chunk: bytes) -> list[str]:
        text = self._decoder.decode(chunk)
        if not text:
            return []
        if not self._started:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the LF of a CRLF whose CR ended the previous chunk
        self._after_cr = text.endswith("\r")
        *lines, self._buffer = _LINE_BREAK.split(self._buffer + text)
        if len(self._buffer) > MAX_LINE_CHARS:
            raise StreamProtocolError("line too long")
        return lines


class SSEDecoder:
    """Lines in, events out, as the WHATWG EventSource parser does it."""

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._last_id: str | None = None  # persists across events, as the spec says
        self._block_id = False  # the block being read has an `id` field
        self.retry_ms: int | None = None
        self.position: str | None = None
        """The id of the last block that had an `id` and no data: the server saying where the
        stream is (the WHATWG parser sets the last event id from such a block, dispatching nothing)."""

    def feed(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, sep, value = line.partition(":")
        if sep:
            value = value.removeprefix(" ")
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        elif field == "id" and "\0" not in value:
            self._last_id = value
            self._block_id = True
        elif field == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, had_id = self._data, self._event, self._block_id
        self._data, self._event, self._block_id = [], "", False
        if not data:
            if had_id:
                self.position = self._last_id
            return None
        return ServerSentEvent(event=event or "message", data="\n".join(data), id=self._last_id)


def _int_id(value: str | None) -> int | None:
    if value is not None and value.isascii() and value.isdigit() and len(value) < 20:
        return int(value)
    return None


Connect = Callable[[int | None], AbstractAsyncContextManager[AsyncIterator[bytes]]]


class EventCursor:
    """The last event id handed out, or the position the server announced: the resume point,
    and the line below which events are duplicates. One cursor can follow several streams in
    turn (a reconnect with another token carries on from it)."""

    def __init__(self, last_id: int | None = None) -> None:
        self.last_id = last_id

    def is_new(self, event_id: int) -> bool:
        return self.last_id is None or event_id > self.last_id

    def move_to(self, position: str | None) -> None:
        """The server said where the stream is (only ever forward)."""
        position_id = _int_id(position)
        if position_id is not None and self.is_new(position_id):
            self.last_id = position_id

    def item_for(self, sse: ServerSentEvent) -> StreamItem | None:
        """What to yield for one event (None: nothing); raises Unauthorized when told to stop."""
        sse_id = _int_id(sse.id)
        if sse.event == "unauthorized":
            raise Unauthorized(status_code=401, code="unauthorized")
        if sse.event == "resync":
            try:
                resync = parse_json(Resync, sse.data, what="Resync")
            except ResponseParseError:
                if sse_id is None:
                    return None
                resync = Resync(latest_id=sse_id)
            self.last_id = resync.latest_id  # also lower than before: the server's log restarted
            return resync
        if sse.event not in EVENT_TYPES:
            if sse_id is not None and self.is_new(sse_id):
                self.last_id = sse_id
            return None
        try:
            event = parse_json(Event, sse.data, what="Event")
        except ResponseParseError as exc:
            log.debug("unreadable %s event (%s)", sse.event, "; ".join(exc.problems))
            if sse_id is None or not self.is_new(sse_id):
                return None
            self.last_id = sse_id  # tell the caller something was missed, and move past it
            return Resync(latest_id=sse_id, reason="unreadable_event")
        if not self.is_new(event.id):
            return None
        self.last_id = event.id
        return event


async def resilient_events(
    connect: Connect,
    *,
    cursor: EventCursor,
    policy: RetryPolicy,
) -> AsyncGenerator[StreamItem, None]:
    """Yield stream items for as long as the caller iterates. `connect(last_id)` opens one
    connection (sending Last-Event-ID when last_id is not None) and gives its body's bytes; it
    raises a CrmApiError for an error status. `cursor` is where to resume, moved along as items
    come. Close the iterator (`aclose()`) to hang up."""
    failures = 0
    retry_hint: float | None = None
    while True:
        retry_after: float | None = None
        try:
            async with connect(cursor.last_id) as chunks:
                log.debug("event stream connected")
                yield StreamStatus(state="connected")
                splitter, decoder = LineSplitter(), SSEDecoder()
                async for chunk in chunks:
                    for line in splitter.feed(chunk):
                        sse = decoder.feed(line)
                        if decoder.retry_ms is not None:
                            retry_hint = min(decoder.retry_ms / 1000, MAX_RETRY_HINT_SECONDS)
                        if line.startswith(":") or sse is not None:
                            failures = 0  # a heartbeat or an event: this connection worked
                        if sse is None:
                            cursor.move_to(decoder.position)
                            continue
                        item = cursor.item_for(sse)
                        if item is not None:
                            yield item
            reason = "The event stream ended."
        except (httpx.TransportError, httpx.DecodingError) as exc:
            reason = error_from_transport(exc).message
        except StreamProtocolError:
            reason = "The event stream was malformed."
        except APIConnectionError as exc:
            reason = exc.message
        except APIStatusError as exc:
            if exc.status_code not in RETRYABLE_STATUS and exc.status_code < 500:
                raise
            reason, retry_after = exc.message, exc.retry_after
        if retry_after is not None:
            delay = policy.delay(failures, retry_after)
        else:
            delay = policy.backoff(failures, base=retry_hint)
        failures += 1
        log.debug("event stream lost; reconnecting in %.2fs (attempt %d)", delay, failures)
        yield StreamStatus(state="reconnecting", retry_in=delay, attempt=failures, reason=reason)
        await anyio.sleep(delay)

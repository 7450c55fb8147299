"""Server-Sent Events of report changes, scoped to the caller, replayable by Last-Event-ID."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from crm_server.api.deps import Caller, Db, Token
from crm_server.api.event_fanout import EventFanout, Resync, Subscriber
from crm_server.api.open_streams import OpenStreams
from crm_server.api.routes.errors_doc import STREAM_REFUSED, errors
from crm_server.lifecycle import EVENT_TYPES
from crm_server.services import events
from crm_server.services.principal import Principal
from crm_server.storage.engine import Database

router = APIRouter(tags=["events"])

RECONNECT_MS = 2_000


def _frame(event: str, data: str, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {data}\n\n"


def start_after(db: Database, last_event_id: str | None) -> tuple[int, int, str | None]:
    """Where to resume, the newest event in the log, and a resync frame when the gap cannot be
    replayed."""
    low, high = events.bounds(db)
    if last_event_id is None or not last_event_id.strip():
        return high, high, None
    try:
        last = int(last_event_id)
    except ValueError:
        last = -1
    if last < 0 or last > high or (low and last < low - 1):
        return high, high, _resync(high, "cannot_replay")
    return last, high, None


def _resync(latest_id: int, reason: str) -> str:
    """`cannot_replay`: the gap is not in the log; `too_slow`: the client fell too far behind."""
    return _frame("resync", json.dumps({"reason": reason, "latest_id": latest_id}), latest_id)


async def _stream(
    request: Request, db: Database, who: Principal, token: str, after: int, first: str | None, live: Subscriber
) -> AsyncIterator[str]:
    """The replay from the log up to where the fan-out took over (`live.live_from`), then what
    the fan-out hands this stream; an event is never sent twice, nor skipped, in between."""
    state = request.app.state
    streams: OpenStreams = state.streams
    stream = streams.open(token, partial(asyncio.get_running_loop().call_soon_threadsafe, live.wake))
    ended = _frame("unauthorized", json.dumps({"reason": "token_expired"}))
    try:
        yield f"retry: {RECONNECT_MS}\n\n"
        # Where the stream starts, before any event: a client that loses the connection (or whose
        # token is replaced) before the first event resumes from here, not from whatever is newest
        # by the time it is back, which would skip what happened in between.
        yield first or f"id: {after}\n\n"
        replay_to = live.live_from
        while after < replay_to and not (stream.ended or state.stopping):
            batch = await anyio.to_thread.run_sync(partial(events.read_after, db, after, up_to=replay_to))
            if not batch:
                break
            for event in batch:
                after = event.id
                if event.visible_to(who):
                    yield _frame(event.type, event.data, event.id)
        heartbeat = state.heartbeat_seconds
        quiet_since = time.monotonic()
        while True:
            if stream.ended:
                yield ended
                return
            if state.stopping:
                yield f"retry: {RECONNECT_MS}\n\n"  # back once the server is: resume from the last id
                return
            items = await live.take(max(0.0, quiet_since + heartbeat - time.monotonic()))
            for item in items:
                if stream.ended:  # signed out while these were queued: nothing more of them
                    break
                if isinstance(item, Resync):
                    after = item.latest_id
                    yield _resync(after, "too_slow")
                elif item.id > after:
                    after = item.id
                    yield _frame(item.type, item.data, item.id)
            if items:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= heartbeat:
                quiet_since = time.monotonic()
                yield ": heartbeat\n\n"
    finally:
        streams.close(stream)


class _Subscribed(StreamingResponse):
    """A stream that gives back its place in the fan-out however it ends: also when the client
    went away before the first frame, when the body's own `finally` never runs."""

    def __init__(self, content: AsyncIterator[str], fanout: EventFanout, live: Subscriber) -> None:
        super().__init__(
            content, media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )
        self._fanout, self._live = fanout, live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._fanout.unsubscribe(self._live)


@router.get(
    "/events",
    responses={200: {"content": {"text/event-stream": {}}}, **errors(401, 422), **STREAM_REFUSED},
    response_class=StreamingResponse,
    description="First the stream's position (a frame with `id:` only) or a `resync`; then events "
    + ", ".join(f"`{kind}`" for kind in EVENT_TYPES)
    + " (data: an Event), `resync` when Last-Event-ID is older "
    "than the retained log or when the client reads slower than events arrive (then its position is "
    "`latest_id`), comment heartbeats; a `retry:` before the server stops. 503 `too_many_streams` "
    "when the caller or the server has as many streams open as allowed.",
)
async def stream_events(
    request: Request,
    db: Db,
    who: Caller,
    token: Token,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
) -> StreamingResponse:
    after, latest, first = await anyio.to_thread.run_sync(start_after, db, last_event_id)
    fanout: EventFanout = request.app.state.fanout
    live = fanout.subscribe(who, latest)  # 503 when a cap is reached
    return _Subscribed(_stream(request, db, who, token, after, first, live), fanout, live)

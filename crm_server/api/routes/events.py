"""Server-Sent Events of report changes, scoped to the caller, replayable by Last-Event-ID."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from crm_server.api.deps import Caller, Db, Token
from crm_server.api.open_streams import OpenStreams
from crm_server.api.routes.errors_doc import errors
from crm_server.services import events
from crm_server.services.principal import Principal
from crm_server.storage.engine import Database

router = APIRouter(tags=["events"])

POLL_SECONDS = 0.25
RECONNECT_MS = 2_000


def _frame(event: str, data: str, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {data}\n\n"


def start_after(db: Database, last_event_id: str | None) -> tuple[int, str | None]:
    """Where to resume, and a resync frame when the gap cannot be replayed."""
    low, high = events.bounds(db)
    if last_event_id is None or not last_event_id.strip():
        return high, None
    try:
        last = int(last_event_id)
    except ValueError:
        last = -1
    if last < 0 or last > high or (low and last < low - 1):
        data = json.dumps({"reason": "cannot_replay", "latest_id": high})
        return high, _frame("resync", data, high)
    return last, None


async def _stream(
    request: Request, db: Database, who: Principal, token: str, after: int, first: str | None
) -> AsyncIterator[str]:
    streams: OpenStreams = request.app.state.streams
    stream = streams.open(token)
    ended = _frame("unauthorized", json.dumps({"reason": "token_expired"}))
    try:
        yield f"retry: {RECONNECT_MS}\n\n"
        # Where the stream starts, before any event: a client that loses the connection (or whose
        # token is replaced) before the first event resumes from here, not from whatever is newest
        # by the time it is back, which would skip what happened in between.
        yield first or f"id: {after}\n\n"
        heartbeat = request.app.state.heartbeat_seconds
        idle = 0.0
        while not (request.app.state.stopping or await request.is_disconnected()):
            # The token is checked on the clock, whether events flow or not (open_streams.py).
            await streams.sweep_if_due(db)
            if stream.ended:
                yield ended
                return
            batch = await anyio.to_thread.run_sync(events.since, db, who, after)
            for event in batch:
                if stream.ended:  # signed out while this batch was read: nothing more of it
                    yield ended
                    return
                after = event.id
                yield _frame(event.type, event.model_dump_json(), event.id)
            if batch:
                idle = 0.0
                continue
            await anyio.sleep(POLL_SECONDS)
            idle += POLL_SECONDS
            if idle >= heartbeat:
                idle = 0.0
                yield ": heartbeat\n\n"
    finally:
        streams.close(stream)


@router.get(
    "/events",
    responses={200: {"content": {"text/event-stream": {}}}, **errors(401, 422)},
    response_class=StreamingResponse,
    description="First the stream's position (a frame with `id:` only) or a `resync`; then events "
    "`created`, `assigned`, `closed`, `noted` (data: an Event), `resync` when Last-Event-ID is older "
    "than the retained log, comment heartbeats.",
)
async def stream_events(
    request: Request,
    db: Db,
    who: Caller,
    token: Token,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
) -> StreamingResponse:
    after, first = await anyio.to_thread.run_sync(start_after, db, last_event_id)
    return StreamingResponse(
        _stream(request, db, who, token, after, first),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

"""One reader of the event log per server process, handing each new event to the streams of
this process whose caller may see it.

The reader asks the database for new events once per tick, and only while a stream is open.
An event written through this process wakes it as soon as its transaction has committed; those
written by other processes on the same database it learns of by polling every `poll_seconds` on
SQLite, and on PostgreSQL from the NOTIFY each event's transaction sends on commit
(services/events.py), with a slow poll besides, so that a lost notification makes an event late,
never lost. However many consoles are connected, an idle process costs one read a tick; each
stream filters in memory, by the same rule as its replay from the log.

Each stream holds a bounded queue. A stream that falls `queue_limit` events behind (a console
that reads slower than events arrive) has its queue dropped and is told to resync from the
newest event read, instead of holding memory for it.

Everything here runs on the server's event loop, except the reads, in worker threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass

import anyio

from crm_server import clock
from crm_server.errors import TooManyStreams
from crm_server.services import events
from crm_server.services.events import LoggedEvent
from crm_server.services.principal import Principal
from crm_server.storage.engine import Database

log = logging.getLogger("crm_server.events")

POLL_SECONDS = 0.25  # SQLite: how often the process reads the log while streams are open
FALLBACK_POLL_SECONDS = 5.0  # PostgreSQL: the read that does not wait for a notification
FAILURE_PAUSE_SECONDS = 1.0  # after a failed read or a lost LISTEN connection
STREAMS_PER_PROCESS = 2_000
STREAMS_PER_OPERATOR = 8  # a few consoles and windows each; more is a runaway client
QUEUE_LIMIT = 1_000
RETRY_AFTER_SECONDS = 10  # a stream refused by a cap: when another may have closed
# PostgreSQL's LISTEN connection: made in 5 s, and found dead about a minute after its server
# went away without a word (keepalive probes from 30 s idle, every 10 s, 3 unanswered).
_LISTEN_CONNECTION = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}


@dataclass(frozen=True)
class Resync:
    """The stream fell behind: its client reloads what it shows and continues from here."""

    latest_id: int


class Subscriber:
    """One stream's place in the fan-out: what it is sent live, and the queue of what it has not
    sent yet."""

    def __init__(self, who: Principal, live_from: int, limit: int) -> None:
        self.who = who
        # Events after this id reach the queue; the stream replays those up to it from the log.
        self.live_from = live_from
        self._limit = limit
        self._queue: deque[LoggedEvent | Resync] = deque()
        self._ready = asyncio.Event()

    def offer(self, event: LoggedEvent, latest_id: int) -> bool:
        """Queues `event`; when the queue is full, drops it for a resync at `latest_id` (and
        returns False: the rest of the batch is not for this stream either)."""
        if len(self._queue) < self._limit:
            self._queue.append(event)
            self._ready.set()
            return True
        self._queue.clear()
        self._queue.append(Resync(latest_id))
        self.live_from = latest_id
        self._ready.set()
        return False

    def wake(self) -> None:
        """Wakes the stream without an event: to see that it ended, or that the server stops."""
        self._ready.set()

    async def take(self, timeout: float) -> list[LoggedEvent | Resync]:
        """What is queued, once something is or after `timeout` seconds (then maybe nothing)."""
        if not self._queue:
            # A timer, not a cancel scope: a thousand streams wake for each event, and entering
            # and leaving a scope costs each about as much as sending its frame.
            timer = asyncio.get_running_loop().call_later(timeout, self._ready.set)
            try:
                await self._ready.wait()
            finally:
                timer.cancel()
        self._ready.clear()
        taken = list(self._queue)
        self._queue.clear()
        return taken

    def __len__(self) -> int:
        return len(self._queue)


class EventFanout:
    def __init__(
        self,
        db: Database,
        *,
        poll_seconds: float = POLL_SECONDS,
        fallback_poll_seconds: float = FALLBACK_POLL_SECONDS,
        max_streams: int = STREAMS_PER_PROCESS,
        max_streams_per_operator: int = STREAMS_PER_OPERATOR,
        queue_limit: int = QUEUE_LIMIT,
    ) -> None:
        self._db = db
        self._tick = poll_seconds if db.is_sqlite else fallback_poll_seconds
        self.max_streams = max_streams
        self.max_streams_per_operator = max_streams_per_operator
        self._queue_limit = queue_limit
        self._subscribers: set[Subscriber] = set()
        self._per_operator: dict[int, int] = {}
        self._wake = asyncio.Event()
        self.position = 0  # the newest event read (or known to need no reading: see subscribe)
        self.reads = 0  # reads of the log so far: what idle streams cost, counted
        self.lag_seconds = 0.0  # from the newest event's write to its hand-out (whole seconds: the log's clock)

    def subscribe(self, who: Principal, latest_id: int) -> Subscriber:
        """A stream of `who`'s, which replays up to the subscriber's `live_from` and is sent what
        follows. `latest_id`: the newest event in the log, read just before. With no stream open
        the reader has not been reading: nobody needs the events up to there from it."""
        if len(self._subscribers) >= self.max_streams or (
            self._per_operator.get(who.id, 0) >= self.max_streams_per_operator
        ):
            raise TooManyStreams(headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        if not self._subscribers:
            self.position = max(self.position, latest_id)
        subscriber = Subscriber(who, self.position, self._queue_limit)
        self._subscribers.add(subscriber)
        self._per_operator[who.id] = self._per_operator.get(who.id, 0) + 1
        self._wake.set()  # the first stream starts the reader at once
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)
            left = self._per_operator[subscriber.who.id] - 1
            if left:
                self._per_operator[subscriber.who.id] = left
            else:
                del self._per_operator[subscriber.who.id]

    def wake_all(self) -> None:
        for subscriber in self._subscribers:
            subscriber.wake()

    @property
    def streams(self) -> int:
        return len(self._subscribers)

    def dispatch(self, batch: list[LoggedEvent]) -> None:
        """Hands each event of `batch` (in id order) to the streams that may see it."""
        if not batch:
            return
        latest = batch[-1].id
        for subscriber in self._subscribers:
            who = subscriber.who
            for event in batch:
                if event.id > subscriber.live_from and event.visible_to(who) and not subscriber.offer(event, latest):
                    break
        self.position = max(self.position, latest)
        self.lag_seconds = float(max(0, clock.now() - batch[-1].at))

    async def read_once(self) -> int:
        """Reads what is new and hands it out; returns how many events were read."""
        self.reads += 1
        batch = await anyio.to_thread.run_sync(_read_with_data, self._db, self.position)
        self.dispatch(batch)
        return len(batch)

    async def run(self) -> None:
        """The reader, for as long as the server runs (the application's lifespan)."""
        loop = asyncio.get_running_loop()
        # Called in the writer's thread, as its transaction ends.
        stop_watching = events.on_appended(self._db, lambda: loop.call_soon_threadsafe(self._wake.set))
        try:
            await self._read_on()
        finally:
            stop_watching()

    async def _read_on(self) -> None:
        async with anyio.create_task_group() as tasks:
            if not self._db.is_sqlite:
                tasks.start_soon(self._listen)
            while True:
                with anyio.move_on_after(self._tick):
                    await self._wake.wait()
                self._wake.clear()
                if not self._subscribers:
                    continue
                try:
                    if await self.read_once() == events.BATCH:
                        self._wake.set()  # more behind it: read on without waiting
                except Exception:  # noqa: BLE001 - the reader outlives a failed read (the database away)
                    log.warning("reading the event log failed; trying again")
                    await anyio.sleep(FAILURE_PAUSE_SECONDS)

    async def _listen(self) -> None:
        """PostgreSQL: LISTEN on a connection of its own, waking the reader at each NOTIFY.

        It waits on the server with no deadline (storage/deadline.py watches the pool's
        connections, not this one), and need not: it holds no request and no lock, and while it
        hears nothing the reader's fallback poll still brings every event, late. A frozen server
        that comes back finds it still listening. A server gone without a reset (its host down,
        a partition) the TCP keepalives find, on a network that is not loopback, and it connects
        again."""
        import psycopg

        url = self._db.engine.url.set(drivername="postgresql")
        # The URL's own settings win.
        url = url.update_query_dict({k: v for k, v in _LISTEN_CONNECTION.items() if k not in url.query})
        conninfo = url.render_as_string(hide_password=False)
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {events.CHANNEL}")
                    self._wake.set()  # whatever was committed before the LISTEN took effect
                    async for _ in conn.notifies():
                        self._wake.set()
            except psycopg.Error:
                log.warning("the event notifications' connection failed; reconnecting")
            await anyio.sleep(FAILURE_PAUSE_SECONDS)


def _read_with_data(db: Database, after: int) -> list[LoggedEvent]:
    """New events with their data built here, in the reader's thread, not on the event loop."""
    batch = events.read_after(db, after)
    for event in batch:
        _ = event.data
    return batch

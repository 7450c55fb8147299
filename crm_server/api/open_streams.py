"""The event streams open in this process, each with its token.

A stream ends as soon as its token is no longer valid, whatever the events do:

- sign-out in this process ends the token's streams at once (`end_token`);
- a sweep, once a `sweep_seconds` for the whole process while streams are open (`run`),
  asks the database which of the open streams' tokens are still valid, and ends the others: a
  token revoked by `crm-server operator revoke`, its operator's password changed or account
  disabled, a sign-out in another server process on the same database, an expiry. One query per
  process, however many consoles are connected.

Either way the stream is woken at once (`wake`, callable from any thread): an idle stream
waits for events without looking at the clock.

The streams run on the server's event loop; sign-out runs in a worker thread, hence the lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio

from crm_server.security import token_digest
from crm_server.services import accounts
from crm_server.storage.engine import Database

log = logging.getLogger("crm_server.events")

SWEEP_SECONDS = 1.0


def _nothing() -> None:
    pass


@dataclass(eq=False)
class OpenStream:
    digest: str
    wake: Callable[[], object] = field(default=_nothing)  # thread-safe
    ended: bool = False

    def end(self) -> None:
        self.ended = True
        self.wake()


class OpenStreams:
    def __init__(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.sweep_seconds = sweep_seconds
        self._lock = threading.Lock()
        self._streams: set[OpenStream] = set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._streams)

    def open(self, token: str, wake: Callable[[], object] = _nothing) -> OpenStream:
        stream = OpenStream(token_digest(token), wake)
        with self._lock:
            self._streams.add(stream)
        return stream

    def close(self, stream: OpenStream) -> None:
        with self._lock:
            self._streams.discard(stream)

    def end_token(self, token: str) -> None:
        digest = token_digest(token)
        with self._lock:
            for stream in self._streams:
                if stream.digest == digest:
                    stream.end()

    async def sweep(self, db: Database) -> None:
        """Ends the streams whose token is no longer valid."""
        with self._lock:
            streams = [s for s in self._streams if not s.ended]
        if not streams:
            return
        valid = await anyio.to_thread.run_sync(accounts.valid_token_digests, db, {s.digest for s in streams})
        for stream in streams:
            if stream.digest not in valid:
                stream.end()

    async def run(self, db: Database) -> None:
        """Sweeps once a `sweep_seconds` while streams are open, for as long as the server runs."""
        while True:
            await anyio.sleep(self.sweep_seconds)
            try:
                await self.sweep(db)
            except Exception:  # noqa: BLE001 - a failed sweep (the database away) is tried again
                log.warning("checking the event streams' tokens failed; trying again")

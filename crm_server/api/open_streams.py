"""The event streams open in this process, each with its token.

A stream ends as soon as its token is no longer valid, whatever the events do:

- sign-out in this process ends the token's streams at once (`end_token`);
- a sweep, at most once a `sweep_seconds` for the whole process and whether events flow or not,
  asks the database which of the open streams' tokens are still valid, and ends the others: a
  token revoked by `crm-server operator revoke`, its operator's password changed or account
  disabled, a sign-out in another server process on the same database, an expiry. One query per
  process, however many consoles are connected.

The streams run on the server's event loop; sign-out runs in a worker thread, hence the lock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import anyio

from crm_server.security import token_digest
from crm_server.services import accounts
from crm_server.storage.engine import Database

SWEEP_SECONDS = 1.0


@dataclass(eq=False)
class OpenStream:
    digest: str
    ended: bool = False


class OpenStreams:
    def __init__(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.sweep_seconds = sweep_seconds
        self._lock = threading.Lock()
        self._streams: set[OpenStream] = set()
        self._next_sweep = 0.0
        self._sweeping = False

    def __len__(self) -> int:
        with self._lock:
            return len(self._streams)

    def open(self, token: str) -> OpenStream:
        stream = OpenStream(token_digest(token))
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
                    stream.ended = True

    async def sweep_if_due(self, db: Database) -> None:
        """Ends the streams whose token is no longer valid; a no-op until the next sweep is due
        (or while another stream runs it)."""
        if self._sweeping or time.monotonic() < self._next_sweep:
            return
        self._sweeping = True
        try:
            with self._lock:
                streams = [s for s in self._streams if not s.ended]
            valid = await anyio.to_thread.run_sync(accounts.valid_token_digests, db, {s.digest for s in streams})
            for stream in streams:
                if stream.digest not in valid:
                    stream.ended = True
        finally:
            self._next_sweep = time.monotonic() + self.sweep_seconds
            self._sweeping = False

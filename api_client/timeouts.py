"""How long the client waits: per network phase, per call, and on the event stream.

httpx's read timeout applies to each socket read, so a server dripping one byte at a time can
hold a request forever; `deadline` bounds a whole call, its retries and waits included.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

CONNECT_TIMEOUT_SECONDS = 5.0  # TCP (and TLS) handshake
READ_TIMEOUT_SECONDS = 15.0  # between two reads of one response
WRITE_TIMEOUT_SECONDS = 15.0  # between two writes of one request
POOL_TIMEOUT_SECONDS = 5.0  # waiting for a free connection of the pool
CALL_DEADLINE_SECONDS = 30.0  # one call, from its first try to its last byte, waits included
# The event stream is idle between events; the server sends a heartbeat comment every 15 s, so a
# read that waits three heartbeats means the connection is dead.
STREAM_READ_TIMEOUT_SECONDS = 45.0


@dataclass(frozen=True)
class Timeouts:
    connect: float = CONNECT_TIMEOUT_SECONDS
    read: float = READ_TIMEOUT_SECONDS
    write: float = WRITE_TIMEOUT_SECONDS
    pool: float = POOL_TIMEOUT_SECONDS
    deadline: float = CALL_DEADLINE_SECONDS
    stream_read: float = STREAM_READ_TIMEOUT_SECONDS

    def for_calls(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)

    def for_stream(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.stream_read, write=self.write, pool=self.pool)


DEFAULT_TIMEOUTS = Timeouts()

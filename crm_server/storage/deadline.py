"""PostgreSQL: a deadline on every wait for the server that holds whether the server answers or not.

`statement_timeout` is kept by the server itself: a server that stops answering in the middle of
a statement (a stopped process, a frozen VM, a network partition that sends no reset) cancels
nothing, and TCP keepalives do not fire while the peer's kernel still acknowledges (loopback, a
paused process). The request's thread would wait in psycopg for ever, its pooled connection with
it. Here every round trip (psycopg runs each statement, commit, rollback and pool ping through
`Connection.wait`) is watched by one thread per process; a wait still unanswered at its deadline
has its socket shut down, so the wait ends at once with an OperationalError, SQLAlchemy discards
the connection as broken, and the request answers 503 (storage/failures.py).

Shut down, not closed: the descriptor stays libpq's, so it cannot be reused by another socket
while libpq still holds its number, and a poll on a closed descriptor could hang (psycopg's note
on epoll). The shutdown is done on a duplicate, under the lock the waiting thread takes to
finish, so it can only reach the wait it was meant for.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg.abc import RV, PQGen

log = logging.getLogger("crm_server.storage")


class Watchdog:
    """The waits in progress, each with its deadline, and the one thread that cuts them."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._waits: dict[int, tuple[float, int]] = {}  # token -> (deadline, socket's descriptor)
        self._next_check = float("inf")  # when the thread wakes next by itself
        self._thread: threading.Thread | None = None
        self._tokens = 0
        self.cut = 0  # connections cut so far (what the tests and the log count)

    @contextlib.contextmanager
    def watching(self, fileno: int, seconds: float) -> Iterator[None]:
        deadline = time.monotonic() + seconds
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="crm-db-deadline", daemon=True)
                self._thread.start()
            self._tokens += 1
            token = self._tokens
            self._waits[token] = (deadline, fileno)
            if deadline < self._next_check:  # only then: the thread sleeps until the earliest one
                self._changed.notify()
        try:
            yield
        finally:
            with self._lock:
                self._waits.pop(token, None)  # gone if it was cut

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for token, (deadline, fileno) in list(self._waits.items()):
                    if deadline <= now:
                        del self._waits[token]
                        self._cut(fileno)
                self._next_check = min((deadline for deadline, _ in self._waits.values()), default=float("inf"))
                self._changed.wait(None if self._next_check == float("inf") else self._next_check - now)

    def _cut(self, fileno: int) -> None:
        self.cut += 1
        # The kind of wait alone: no statement, no value.
        log.warning("PostgreSQL did not answer in time: its connection is cut")
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fileno)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)


WATCHDOG = Watchdog()
# A forked server process (`serve --workers N`) has none of its parent's threads, and a lock
# another thread held at the fork would stay held.
os.register_at_fork(after_in_child=WATCHDOG._reset)


class WatchedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose waits for the server end by `answer_within` seconds (None:
    not watched, for the maintenance that runs without a statement timeout)."""

    answer_within: float | None = None

    def wait(self, gen: PQGen[RV], *args: Any, **kwargs: Any) -> RV:
        limit = self.answer_within
        if limit is None or self.closed:
            return super().wait(gen, *args, **kwargs)
        with WATCHDOG.watching(self.pgconn.socket, limit):
            return super().wait(gen, *args, **kwargs)

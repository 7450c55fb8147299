"""`crm-server serve --workers N`: N processes accept on one port, events cross between them,
and they stop together: on SIGTERM gracefully (a write in flight finishes), and all of them when
one dies."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.crm_server.helpers import Api, EventStream
from tests.crm_server.write_in_flight import until_a_write_waits, write_lock_held
from tests.support.server import ServerProcess, query

STREAMS = 6  # enough that both processes hold some (the kernel hands connections to either)
NOTE = "Dicatat saat server berhenti."


@pytest.fixture
def workers(tmp_path) -> Iterator[Api]:
    # A server of the test's own: the tests count its processes, stop it and kill one of them.
    server = ServerProcess(tmp_path / "crm.sqlite3", extra_args=("--workers", "2")).start()
    api = Api(server)
    yield api
    api.close()
    server.stop()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _created(number: str):
    return lambda f: f.kind == "event" and f.event == "created" and f.json["report"]["number"] == number


def test_every_stream_hears_every_write_whichever_process_serves_it_and_sigterm_stops_all(workers: Api):
    parent = workers.server.process
    assert parent is not None
    children = _children(parent.pid)
    assert len(children) == 2
    streams = [EventStream(workers, "dispatcher") for _ in range(STREAMS)]
    try:
        for stream in streams:
            stream.started()
        numbers = [workers.submit() for _ in range(4)]  # each write on a connection of its own
        for stream in streams:
            for number in numbers:
                stream.until(_created(number))
        workers.token("dispatcher")  # signed in before the write lock is taken: a sign-in writes too
        with ThreadPoolExecutor(1) as requests:
            with write_lock_held(workers.server.db):  # a write waits inside a process as they are told to stop
                note = requests.submit(workers.note, "dispatcher", numbers[0], NOTE)
                until_a_write_waits(workers)
                parent.send_signal(signal.SIGTERM)
                for stream in streams:
                    with pytest.raises(StopIteration):  # ended by the server, not cut
                        stream.until(lambda frame: False, deadline=10.0)
                    assert stream.seen[-1].kind == "retry"  # told to come back
                assert parent.poll() is None  # the write is let finish
            assert note.result().status_code == 201
    finally:
        for stream in streams:
            stream.close()
    assert parent.wait(timeout=15) == 0
    assert all(_gone(child) for child in children)
    assert query(workers.server.db, f"SELECT count(*) FROM notes WHERE text = '{NOTE}'") == [(1,)]  # kept


def test_a_process_that_dies_takes_the_others_down_and_the_status_says_so(workers: Api):
    parent = workers.server.process
    assert parent is not None
    first, second = _children(parent.pid)
    os.kill(first, signal.SIGKILL)
    assert parent.wait(timeout=15) == 1  # a supervisor restarts the whole server
    deadline = time.monotonic() + 5
    while not _gone(second) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(second)

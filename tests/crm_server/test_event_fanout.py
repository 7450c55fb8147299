"""The event fan-out: one reader of the log per server process, each stream filtered in memory by
its operator's scope, bounded, and events crossing processes on one database.

The fan-out object's own rules (idle cost, a slow stream) are tested in process; the rest through
`crm-server serve`: the shared suite server, and one more process on its database."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import anyio
import pytest
from sqlalchemy import event

from crm_server import clock
from crm_server.api.event_fanout import EventFanout, Resync
from crm_server.roles import Role
from crm_server.services.events import LoggedEvent
from crm_server.services.principal import Principal
from crm_server.storage.bootstrap import initialise
from crm_server.storage.engine import Database
from tests.crm_server.helpers import Api, EventStream, marker
from tests.crm_server.test_scope import SCOPE, new_report
from tests.crm_server.write_in_flight import until_a_write_waits, write_lock_held
from tests.support.server import ServerProcess

CIDENG = "DKI/JP/JP.GAMBIR/JP.GAMBIR.CIDENG/"
DISPATCHER = Principal(1, "dispatcher", "Sari", Role.DISPATCHER, "JP.GAMBIR.CIDENG", CIDENG)
SUPERVISOR = Principal(2, "supervisor", "Hendra", Role.SUPERVISOR, "DKI", "DKI/")


def logged(event_id: int, agency_path: str = DISPATCHER.agency_path) -> LoggedEvent:
    return LoggedEvent(event_id, "created", clock.now(), agency_path, None, None)  # no row: its data is not read here


# --- the fan-out object ----------------------------------------------------------------------


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    db = Database.open(tmp_path / "fanout.sqlite3")
    initialise(db)
    yield db
    db.dispose()


async def test_a_slow_stream_is_told_to_resync_and_holds_no_more_than_its_queue(database):
    fanout = EventFanout(database, queue_limit=3)
    slow = fanout.subscribe(DISPATCHER, 0)
    fast = fanout.subscribe(SUPERVISOR, 0)
    fanout.dispatch([logged(1), logged(2)])
    assert [e.id for e in await fast.take(0)] == [1, 2]
    fanout.dispatch([logged(3), logged(4), logged(5)])  # the slow one has taken nothing: 5 > 3
    assert len(slow) == 1  # its queue dropped: only the resync is held
    assert [e.id for e in await fast.take(0)] == [3, 4, 5]  # the others are not held back
    fanout.dispatch([logged(6)])
    taken = await slow.take(0)
    assert taken[0] == Resync(latest_id=5)  # the newest event read when it fell behind
    assert [e.id for e in taken[1:]] == [6]  # and what followed it, in order
    fanout.dispatch([logged(7, "DKI/JU/")])  # outside the dispatcher's kelurahan
    assert await slow.take(0) == [] and [e.id for e in await fast.take(0)] == [6, 7]


async def test_the_caps_count_streams_per_operator_and_per_process(database):
    fanout = EventFanout(database, max_streams=3, max_streams_per_operator=2)
    first = fanout.subscribe(DISPATCHER, 0)
    fanout.subscribe(DISPATCHER, 0)
    with pytest.raises(Exception, match="Too many event streams") as refused:
        fanout.subscribe(DISPATCHER, 0)
    assert refused.value.status == 503 and refused.value.headers["Retry-After"].isdigit()
    fanout.subscribe(SUPERVISOR, 0)
    with pytest.raises(Exception, match="Too many event streams"):
        fanout.subscribe(SUPERVISOR, 0)  # the process is full
    fanout.unsubscribe(first)
    fanout.unsubscribe(first)  # given back once, whichever way the stream ended
    fanout.subscribe(DISPATCHER, 0)
    assert fanout.streams == 3


async def _statements_while_idle(db: Database, subscribers: int, seconds: float) -> tuple[int, int]:
    """(statements run, reads of the log) while `subscribers` streams are open and nothing happens."""
    fanout = EventFanout(db, poll_seconds=0.05)
    seen = [0]

    def count(*_args) -> None:
        seen[0] += 1

    for number in range(subscribers):  # operators of their own: no cap per operator is reached
        fanout.subscribe(replace(SUPERVISOR, id=100 + number), 0)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(fanout.run)
            await anyio.sleep(seconds)
            tasks.cancel_scope.cancel()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return seen[0], fanout.reads


async def test_idle_streams_cost_one_read_a_tick_however_many_are_open(database):
    none = await _statements_while_idle(database, 0, 0.3)
    one = await _statements_while_idle(database, 1, 0.3)
    fifty = await _statements_while_idle(database, 50, 0.3)
    assert none == (0, 0)  # no stream, no query
    # 0.3 s at one read every 0.05 s: about 6 reads (a BEGIN and a SELECT each), not 50 times that.
    for statements, reads in (one, fifty):
        assert 3 <= reads <= 8, (one, fifty)
        assert statements <= 2 * reads, (one, fifty)
    assert fifty[0] <= one[0] + 4, (one, fifty)


# --- through the server ----------------------------------------------------------------------


def about(number: str, kind: str | None = None):
    def match(frame) -> bool:
        report = frame.json.get("report", {}) if frame.kind == "event" and frame.event != "resync" else {}
        return report.get("number") == number and (kind is None or frame.event == kind)

    return match


def test_each_stream_gets_exactly_the_events_its_operator_may_see(api: Api):
    streams = {user: EventStream(api, user) for user in SCOPE}
    try:
        for stream in streams.values():
            stream.started()
        word = marker("FANOUT")
        placed = {where: new_report(api, where, title=f"Jalan {word}") for where in ("home", "dbm", "other")}
        followed = new_report(api, "dbm", title=f"Jalan {word}")  # assigned across agencies below
        assert api.assign("supervisor", followed, "officer").status_code == 200
        # Every one of them sees one of these at least; events come in id order, so a stream that
        # has either has had everything written before.
        last = {new_report(api, "home"), new_report(api, "dbm")}
        for stream in streams.values():
            stream.until(lambda f: f.kind == "event" and f.event != "resync" and f.json["report"]["number"] in last)
    finally:
        for stream in streams.values():
            stream.close()
    for user, stream in streams.items():
        got = {(f.json["report"]["number"], f.event) for f in stream.events() if f.event != "resync"}
        # The oracle: what the report list (the scope rule in SQL) shows this operator.
        listed = {item["number"] for item in api.reports(user, q=word, limit=50)["items"]}
        created = {number for number in (*placed.values(), followed) if (number, "created") in got}
        assert created == listed - ({followed} if user == "officer" else set()), user
        assert ((followed, "assigned") in got) == (followed in listed), user
        expected = {placed[where] for where, inside in SCOPE[user].items() if inside}
        assert created == expected | ({followed} if SCOPE[user]["dbm"] else set()), user


@dataclass
class Sibling(ServerProcess):
    """Another `crm-server serve` on the database of `of` (SQLite file or PostgreSQL database)."""

    of: ServerProcess | None = None
    seeds_demo = False

    @property
    def db(self) -> str:
        assert self.of is not None
        return self.of.db

    def serve_args(self) -> list[str]:
        return []


@pytest.fixture(scope="module")
def sibling(server_suite_server, tmp_path_factory) -> Iterator[Api]:
    """A second server process on the suite server's database, with low stream caps: events must
    cross between the two, and the tests stop and restart it (so it is one of this module's own)."""
    server = Sibling(
        tmp_path_factory.mktemp("sibling") / "crm.sqlite3",
        of=server_suite_server,
        extra_args=("--max-streams", "3", "--max-streams-per-operator", "2"),
    ).start()
    api = Api(server)
    yield api
    api.close()
    server.stop()


def _open(api: Api, user: str, **kw) -> EventStream:
    """A stream, once the server has given back the places of the streams earlier tests closed
    (it learns of a closed connection as it happens, not before the client's close returns)."""
    deadline = time.monotonic() + 5.0
    while True:
        stream = EventStream(api, user, **kw)
        if stream.response.status_code == 200 or time.monotonic() > deadline:
            return stream
        stream.close()
        time.sleep(0.1)


def test_an_event_written_through_one_process_reaches_the_others_streams(api: Api, sibling: Api):
    # PostgreSQL: through NOTIFY (the fallback poll comes only every 5 s); SQLite: each process's poll.
    with _open(sibling, "supervisor") as there, EventStream(api, "dispatcher") as here:
        there.started(), here.started()
        number = api.submit()
        sent = time.monotonic()
        there.until(about(number, "created"))
        crossed = time.monotonic() - sent
        assert sibling.assign("dispatcher", number, "officer").status_code == 200
        sent = time.monotonic()
        assigned = here.until(about(number, "assigned"))
        back = time.monotonic() - sent
    assert assigned.json["actor"]["username"] == "dispatcher"
    assert crossed < 3.0 and back < 3.0, (crossed, back)


def _refusal(stream: EventStream) -> str:
    """The house's error code of a stream refused with 503 and Retry-After."""
    response = stream.response
    response.read()
    assert response.status_code == 503, (response.status_code, response.text[:300])
    body = response.json()
    assert body["message"] and body["request_id"] == response.headers["x-request-id"]
    assert int(response.headers["retry-after"]) > 0
    return body["error"]


def test_streams_beyond_the_caps_are_refused_with_503_and_retry_after(sibling: Api):
    with _open(sibling, "dispatcher") as first, _open(sibling, "dispatcher") as second:
        assert first.response.status_code == second.response.status_code == 200
        with EventStream(sibling, "dispatcher") as third:
            assert _refusal(third) == "too_many_streams"
        with _open(sibling, "officer") as fourth:
            assert fourth.response.status_code == 200
            with EventStream(sibling, "supervisor") as over:  # 3 streams: the process is full
                assert _refusal(over) == "too_many_streams"
    with _open(sibling, "supervisor") as later:  # the places are given back as streams close
        assert later.response.status_code == 200


def test_sigterm_ends_streams_with_a_retry_hint_finishes_a_write_and_a_restart_replays_what_was_missed(
    api: Api, sibling: Api
):
    server = sibling.server
    assert server.process is not None
    noted = api.submit()
    sibling.token("dispatcher")  # signed in before the write lock is taken: a sign-in writes too
    with _open(sibling, "dispatcher") as stream, ThreadPoolExecutor(1) as requests:
        stream.started()
        seen = stream.until(about(api.submit(), "created"))
        with write_lock_held(server.db):  # a write is in flight, waiting inside the server, as it is told to stop
            note = requests.submit(sibling.note, "dispatcher", noted, "Dicatat saat server berhenti.")
            until_a_write_waits(sibling)
            server.process.send_signal(signal.SIGTERM)
            with pytest.raises(StopIteration):  # ended by the server, not cut
                stream.until(lambda frame: False, deadline=5.0)
            assert stream.seen[-1].kind == "retry"  # told to come back
            assert server.process.poll() is None  # the write is let finish
        assert note.result().status_code == 201
        # At once, though a stream was open; in order: uvicorn then ends by the signal it was sent.
        assert server.process.wait(timeout=5) == -signal.SIGTERM
    missed = [api.submit() for _ in range(2)]  # through the other process while this one is down
    server.start()  # the same port, a fresh process: nothing of the old one's reading is left
    with EventStream(sibling, "dispatcher", last_event_id=str(seen.id)) as resumed:
        resumed.started()
        for number in missed:
            resumed.until(about(number, "created"))
        later = api.submit()
        resumed.until(about(later, "created"))
    events = [f for f in resumed.events() if f.event != "resync"]
    ids = [f.id for f in events]
    assert ids == sorted(set(ids)) and ids[0] > seen.id, ids
    numbers = [f.json["report"]["number"] for f in events]
    assert [n for n in numbers if n in {*missed, later}] == [*missed, later]
    assert [item["text"] for item in sibling.detail("dispatcher", noted)[0]["notes"]] == [
        "Dicatat saat server berhenti."
    ]

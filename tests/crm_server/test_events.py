"""GET /events: report changes as Server-Sent Events, scoped to the caller, replayable by id."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from crm_server.storage.engine import Database
from tests.crm_server.helpers import DISPLAY_NAMES, Api, EventStream, assert_error_body


def about(number: str, kind: str | None = None):
    def match(frame) -> bool:
        return (
            frame.kind == "event"
            and frame.json.get("report", {}).get("number") == number
            and (kind is None or frame.event == kind)
        )

    return match


def test_a_write_yields_an_event_with_id_type_and_summary(api: Api):
    with EventStream(api, "dispatcher") as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.response.headers["cache-control"] == "no-store"
        assert stream.started().data == "2000"
        number = api.submit()
        created = stream.until(about(number, "created"))
        assigned_response = api.assign("dispatcher", number, "officer")
        assigned = stream.until(about(number, "assigned"))
    for frame, kind in ((created, "created"), (assigned, "assigned")):
        data = frame.json
        assert frame.id == data["id"] and frame.event == data["type"] == kind
        assert set(data) == {"id", "type", "at", "actor", "report"}
    assert assigned.id > created.id
    assert created.json["report"]["status"] == "Menunggu" and created.json["report"]["version"] == 1
    summary = assigned.json["report"]
    assert summary["status"] == "Proses" and summary["assignee"]["username"] == "officer"
    assert summary["version"] == assigned_response.json()["version"] == 2
    assert "description" not in summary and "history" not in summary  # a summary, not the report


def test_a_stream_says_where_it_starts_before_any_event(api: Api):
    # A client that loses the connection before its first event resumes from there (sending it
    # as Last-Event-ID), so nothing that happens meanwhile is skipped.
    with EventStream(api, "dispatcher") as stream:
        stream.started()
        before = stream.next()
        number = api.submit()
        created = stream.until(about(number, "created"))
    assert before.kind == "position" and before.id is not None and created.id > before.id
    with EventStream(api, "dispatcher") as again:
        again.started()
        position = again.next()
    assert position.kind == "position" and position.id >= created.id
    with EventStream(api, "dispatcher", last_event_id=str(before.id)) as resumed:
        resumed.started()
        assert resumed.next().id == before.id  # resuming: the same place, then what was missed
        assert resumed.until(about(number, "created")).id == created.id


def test_an_event_names_the_operator_who_made_the_change(api: Api):
    with EventStream(api, "supervisor") as stream:
        stream.started()
        number = api.submit(reporter={"name": "Ibu Pelapor", "phone": "081234567890"})
        assert api.assign("dispatcher", number, "officer").status_code == 200
        assert api.note("officer", number).status_code == 201
        stream.until(about(number, "noted"))
    live = [f for f in stream.events() if about(number)(f)]
    with EventStream(api, "supervisor", last_event_id=str(live[0].id - 1)) as replay:  # a replay too
        replay.started()
        replayed = [f for f in replay.caught_up() if about(number)(f)]
    for frames in (live, replayed):
        assert [(f.event, f.json["actor"]) for f in frames] == [
            ("created", None),  # the intake channel: no operator, and never the reporter
            ("assigned", {"username": "dispatcher", "display_name": DISPLAY_NAMES["dispatcher"]}),
            ("noted", {"username": "officer", "display_name": DISPLAY_NAMES["officer"]}),
        ]


def test_note_and_close_events(api: Api):
    number = api.submit()
    with EventStream(api, "supervisor") as stream:
        stream.started()
        assert api.note("dispatcher", number).status_code == 201
        assert api.close_report("dispatcher", number).status_code == 200
        noted = stream.until(about(number, "noted"))
        closed = stream.until(about(number, "closed"))
    assert noted.id < closed.id
    assert closed.json["report"]["status"] == "Selesai"


def test_last_event_id_replays_what_was_missed_without_duplicates(api: Api):
    with EventStream(api, "dispatcher") as stream:
        stream.started()
        first = api.submit()
        seen = stream.until(about(first, "created"))
    # Disconnected: these happen while nobody listens.
    missed = [api.submit() for _ in range(3)]
    assert api.assign("dispatcher", missed[0], "officer").status_code == 200
    with EventStream(api, "dispatcher", last_event_id=str(seen.id)) as stream:
        stream.started()
        replayed = stream.caught_up()
        later = api.submit()  # and the live stream continues after the replay
        stream.until(about(later, "created"))
    ids = [f.id for f in stream.events()]
    assert ids == sorted(set(ids)), ids  # increasing, no duplicates
    assert ids[0] > seen.id
    numbers = [(f.event, f.json["report"]["number"]) for f in replayed]
    assert [n for n in numbers if n[1] in missed] == [
        ("created", missed[0]),
        ("created", missed[1]),
        ("created", missed[2]),
        ("assigned", missed[0]),
    ]
    assert ("created", first) not in numbers


def test_last_event_id_zero_replays_from_the_start(api: Api):
    number = api.submit()
    with EventStream(api, "supervisor", last_event_id="0") as stream:
        stream.started()
        replayed = stream.caught_up()
    ids = [f.id for f in replayed]
    assert ids == sorted(set(ids)) and ids[0] >= 1
    assert any(about(number, "created")(f) for f in replayed)


def test_last_event_id_beyond_the_newest_is_a_resync(api: Api):
    with EventStream(api, "dispatcher") as probe:
        probe.started()
        number = api.submit()
        newest = probe.until(about(number)).id
    with EventStream(api, "dispatcher", last_event_id=str(newest + 1_000_000)) as stream:
        stream.started()
        resync = stream.next()
        later = api.submit()
        after = stream.until(about(later, "created"))
    assert resync.kind == "event" and resync.event == "resync"
    data = resync.json
    assert data["reason"] == "cannot_replay"
    assert data["latest_id"] >= newest and resync.id == data["latest_id"]
    assert after.id > data["latest_id"]


def test_heartbeats_arrive(api: Api):
    with EventStream(api, "officer", read_timeout=3.0) as stream:
        stream.started()
        beats = [stream.until(lambda f: f.kind == "comment", deadline=5.0) for _ in range(2)]
    assert [b.data for b in beats] == ["heartbeat", "heartbeat"]  # the fixture beats every second


def test_streams_are_scoped_to_the_callers_agency(api: Api):
    with (
        EventStream(api, "dispatcher.dbm") as dbm,
        EventStream(api, "dispatcher") as cideng,
        EventStream(api, "officer.dbm") as officer_dbm,
    ):
        for stream in (dbm, cideng, officer_dbm):
            stream.started()
        home = api.submit()  # lands at Kelurahan Cideng
        roads = api.submit(category=api.dbm_category)  # lands at Suku Dinas Bina Marga JP
        # Events arrive in id order: once a stream has the later event, it has had the earlier.
        dbm.until(about(roads, "created"))
        officer_dbm.until(about(roads, "created"))
        cideng.until(about(home, "created"))
        cideng.caught_up()
    assert not any(about(home)(f) for f in dbm.events())
    assert not any(about(home)(f) for f in officer_dbm.events())
    assert not any(about(roads)(f) for f in cideng.events())


def test_an_officer_follows_reports_assigned_to_them_elsewhere(api: Api):
    roads = api.submit(category=api.dbm_category)
    with EventStream(api, "officer") as stream:
        stream.started()
        assert api.assign("supervisor", roads, "officer").status_code == 200
        assigned = stream.until(about(roads, "assigned"))
    assert assigned.json["report"]["agency"]["code"] == "DBM.JP"
    assert not any(about(roads, "created")(f) for f in stream.events())


def test_a_revoked_token_ends_the_stream(api: Api):
    token = api.server.login("officer2")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=api.server.base_url, timeout=httpx.Timeout(10, read=5)) as client,
        client.stream("GET", "/api/v1/events", headers=headers) as response,
    ):
        lines = response.iter_lines()
        assert next(lines).startswith("retry:")
        assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
        tail = list(lines)  # the server ends the stream at the next heartbeat check
    assert "event: unauthorized" in tail
    data = json.loads(next(line for line in tail if line.startswith("data:"))[5:])
    assert data == {"reason": "token_expired"}


@pytest.mark.parametrize("auth", [None, "Bearer nope"])
def test_stream_without_a_valid_token_is_401(api: Api, auth):
    headers = {"Authorization": auth} if auth else {}
    assert_error_body(api.http.get("/api/v1/events", headers=headers), 401)


# --- a stream lives no longer than its token -------------------------------------------------


@contextlib.contextmanager
def events_flowing(api: Api, *, every: float = 0.2) -> Iterator[list[tuple[float, str]]]:
    """Reports arriving at the demo kelurahan every `every` seconds (more often than the test
    server's heartbeat), from a thread: (when each was accepted, its number)."""
    submitted: list[tuple[float, str]] = []
    stop = threading.Event()

    def submit() -> None:
        with httpx.Client(base_url=api.server.base_url, timeout=10) as client:
            while not stop.wait(every):
                response = client.post(
                    "/api/v1/intake/reports", json=api.intake_body(), headers={"X-Intake-Key": api.intake_key}
                )
                submitted.append((time.monotonic(), response.json()["number"]))

    thread = threading.Thread(target=submit, daemon=True)
    thread.start()
    try:
        yield submitted
    finally:
        stop.set()
        thread.join(timeout=10)


def _arrivals_after(submitted: list[tuple[float, str]], at: float, *, deadline: float = 5.0) -> set[str]:
    """The reports accepted after `at`, once there is one (the stream may end before the next)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        later = {number for when, number in submitted if when > at}
        if later:
            return later
        time.sleep(0.05)
    return set()


def _read_until_ended(stream: EventStream, deadline: float) -> float:
    """Reads the stream until the server ends it with `unauthorized`; returns when that came."""
    frame = stream.until(lambda f: f.kind == "event" and f.event in ("unauthorized", None), deadline=deadline)
    assert frame.event == "unauthorized" and frame.json == {"reason": "token_expired"}
    return time.monotonic()


def test_sign_out_ends_the_stream_at_once_while_events_flow(api: Api):
    token = api.server.login("officer2")  # a token of its own: signing it out touches no other test
    viewer = Api(api.server)
    viewer._tokens["officer2"] = token
    try:
        with events_flowing(api) as submitted, EventStream(viewer, "officer2") as stream:
            stream.started()
            stream.until(lambda f: f.kind == "event" and f.event == "created")  # events are flowing
            signed_out = viewer.http.post("/api/v1/auth/logout", headers=viewer.auth("officer2"))
            assert signed_out.status_code == 204
            at = time.monotonic()
            ended = _read_until_ended(stream, deadline=5.0)
            later = _arrivals_after(submitted, at)
        assert ended - at < 1.0, ended - at
        assert later, "reports kept arriving after the sign-out"
        delivered = {f.json["report"]["number"] for f in stream.events() if f.event == "created"}
        assert not delivered & later  # nothing that happened after the sign-out
    finally:
        viewer.close()


def _revoke_elsewhere(db: str, token: str) -> None:
    """What another server process or the CLI does: the token is gone from the database, and
    this server was not told."""
    database = Database.open(db)
    try:
        with database.write() as conn:
            conn.execute(
                text("DELETE FROM tokens WHERE token_hash = :h"), {"h": hashlib.sha256(token.encode()).hexdigest()}
            )
    finally:
        database.dispose()


def test_a_token_revoked_elsewhere_ends_the_stream_on_the_clock_while_events_flow(api: Api):
    token = api.server.login("officer2")
    viewer = Api(api.server)
    viewer._tokens["officer2"] = token
    try:
        with events_flowing(api) as submitted, EventStream(viewer, "officer2") as stream:
            stream.started()
            stream.until(lambda f: f.kind == "event" and f.event == "created")
            _revoke_elsewhere(api.server.db, token)
            at = time.monotonic()
            ended = _read_until_ended(stream, deadline=8.0)
            assert _arrivals_after(submitted, at)  # events kept flowing meanwhile
        assert ended - at < 3.0, ended - at
    finally:
        viewer.close()

"""Reporter identity and private photos: stored by intake, never served to an operator.

The sentinel test gives every reporter field (and the photo's metadata) a unique marker, drives
the server through every kind of write and error, crawls everything each demo operator can reach,
and asserts the marker is in no byte of any response, event, log line or audit row.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from tests.crm_server.helpers import (
    API,
    HOME,
    OTHER_KELURAHAN,
    Api,
    EventStream,
    assert_error_body,
    audit_lines,
    exif_jpeg,
    jpeg_bytes,
    log_through,
    marker,
    text_png,
)
from tests.support.server import query

DEMO_USERS = (
    "dispatcher",
    "officer",
    "officer2",
    "officer3",
    "supervisor",
    "supervisor.jp",
    "dispatcher.dbm",
    "officer.dbm",
    "officer.dbm2",
)
LIST_FILTERS = (
    {},
    {"private": "true"},
    {"private": "false"},
    {"assignee": "me"},
    {"assignee": "unassigned"},
    {"assignee": "officer"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"status": "Menunggu"},
    {"status": ["Proses", "Selesai"]},
    {"agency": HOME},
    {"sort": "updated"},
    {"sort": "-due"},
    {"sort": "status"},
    {"q": "Jalan"},
    {"q": "uji"},
)


def reporter(mark: str) -> dict:
    return {
        "name": f"Ibu {mark}",
        "phone": f"0812{mark}",
        "email": f"{mark}@contoh.id",
        "nik": mark,
        "account": f"@{mark}",
    }


class Collector:
    """Every byte the server sent, to search for the marker at the end."""

    def __init__(self) -> None:
        self.blobs: list[tuple[str, bytes]] = []

    def add(self, what: str, response) -> object:
        head = f"{response.status_code} ".encode() + _headers(response)
        self.blobs.append((what, head + response.content))
        return response

    def leaks(self, mark: str) -> list[str]:
        needle = mark.lower().encode()
        return [what for what, blob in self.blobs if needle in blob.lower()]


def _headers(response) -> bytes:
    return "\n".join(f"{k}: {v}" for k, v in response.headers.items()).encode()


def _crawl_list(api: Api, seen: Collector, user: str, params: dict) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        response = seen.add(f"{user} list {params}", api.get(user, "/reports", params=query))
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.slow
def test_sentinel_reporter_identity_never_leaves_the_server(make_api):
    # A server of its own, with few reports: the test fetches every report, photo and event each
    # demo operator can reach, and every event's actor must be a demo operator.
    api = make_api(reports=30)
    mark = marker()
    seen = Collector()
    ident = reporter(mark)

    # Intake: every kind of report, each naming the reporter (and the photos naming them too).
    numbers = {
        "private_photo": api.submit(private=True, photo=exif_jpeg(mark), reporter=ident),
        "private": api.submit(private=True, reporter=ident),
        "public_photo": api.submit(private=False, photo=exif_jpeg(mark), reporter=ident),
        "public_png": api.submit(private=False, photo=text_png(mark), reporter=ident),
        "public": api.submit(private=False, reporter=ident),
        "dbm": api.submit(private=False, category=api.dbm_category, photo=exif_jpeg(mark), reporter=ident),
        "other": api.submit(kelurahan=OTHER_KELURAHAN, reporter=ident),
        "twitter": api.submit(channel="Twitter", private=False, reporter=ident),
        "closing": api.submit(private=False, reporter=ident),
    }
    # A rejected intake naming the reporter: the error must not echo them either.
    bad = api.intake_body(reporter={**ident, "nik": mark * 3})
    seen.add("intake 422", api.intake(bad))
    assert seen.blobs[-1][1].startswith(b"422")

    # Writes and their errors, by every role that may act.
    n = numbers
    seen.add("assign", api.assign("dispatcher", n["public_photo"], "officer"))
    seen.add("claim", api.assign("officer2", n["private_photo"], "officer2"))
    seen.add("assign dbm", api.assign("dispatcher.dbm", n["dbm"], "officer.dbm"))
    seen.add("assign other", api.assign("supervisor", n["other"], "officer3"))
    seen.add("note", api.note("officer", n["public_photo"], "Sudah dicek."))
    seen.add("note sup", api.note("supervisor.jp", n["private"], "Mohon dipantau."))
    seen.add("note dbm", api.note("officer.dbm", n["dbm"], "Tambal sulam dijadwalkan."))
    first_etag = api.etag(n["closing"])
    seen.add("close", api.close_report("dispatcher", n["closing"], etag=first_etag))
    seen.add("close again 409", api.close_report("dispatcher", n["closing"]))
    seen.add("stale 412", api.assign("supervisor", n["closing"], "officer", etag=first_etag))
    seen.add("no if-match 428", api.post("dispatcher", f"/reports/{n['public']}/assign", {"officer": "officer"}))
    seen.add("forbidden 403", api.assign("officer", n["public"], "officer2"))
    seen.add("outside 404", api.get("dispatcher.dbm", f"/reports/{n['public']}"))
    seen.add("locked 403", api.get("supervisor", f"/reports/{n['private_photo']}/photo"))
    seen.add("dup 422", api.close_report("dispatcher", n["public"], resolution="duplikat"))
    statuses = [blob[:3] for _, blob in seen.blobs]
    assert statuses[1:] == [
        b"200",
        b"200",
        b"200",
        b"200",
        b"201",
        b"201",
        b"201",
        b"200",
        b"409",
        b"412",
        b"428",
        b"403",
        b"404",
        b"403",
        b"422",
    ]

    # Crawl everything each operator can reach; the event streams replay from the start meanwhile.
    with ExitStack() as streams:
        replays = {user: streams.enter_context(EventStream(api, user, last_event_id="0")) for user in DEMO_USERS}
        for user in DEMO_USERS:
            _crawl(api, seen, user, mark, ident, numbers, replays[user])

    assert not seen.leaks(mark), seen.leaks(mark)
    photos = [blob for what, blob in seen.blobs if " photo " in what and blob.startswith(b"200")]
    assert len(photos) >= 3 * 4  # the public photos were served, to at least the supervisors and staff

    last = api.get("supervisor", "/me")
    log = log_through(api.server, last.headers["x-request-id"])
    assert "serving on" in log
    assert mark.lower() not in log.lower()
    audit = api.audit()
    assert audit_lines(audit, action="view") and audit_lines(audit, action="denied")
    assert mark.lower() not in audit.lower()

    # The marker is in the database (the reporter table): so the checks above were meaningful.
    [(stored,)] = query(api.server.db, f"SELECT count(*) FROM reporters WHERE name = '{reporter(mark)['name']}'")
    assert stored >= 1


def _crawl(api: Api, seen: Collector, user: str, mark: str, ident: dict, numbers: dict, stream: EventStream):
    for path in ("/me", "/categories", "/agencies", "/officers", "/openapi.json"):
        assert seen.add(f"{user} {path}", api.get(user, path)).status_code == 200
    in_scope = {}
    for params in LIST_FILTERS:
        for item in _crawl_list(api, seen, user, params):
            in_scope[item["number"]] = item
    # The reporter is not searchable either: a search by their name finds nothing.
    for fragment in (mark, ident["name"], ident["phone"], ident["email"]):
        found = seen.add(f"{user} q", api.get(user, "/reports", params={"q": fragment})).json()
        assert found["total"] == 0, (user, fragment)
    for number in in_scope:
        detail = seen.add(f"{user} detail {number}", api.get(user, f"/reports/{number}"))
        assert detail.status_code == 200
        seen.add(f"{user} photo {number}", api.get(user, f"/reports/{number}/photo"))
    stream.started()
    replayed = stream.caught_up()
    seen.blobs.append((f"{user} events", stream.raw))
    assert len({f.id for f in replayed}) == len(replayed)
    # Each event names the operator who made the change, or no one for the intake channel: the
    # reporter who filed the report is never its actor.
    for frame in replayed:
        actor = frame.json["actor"]
        assert (actor is None) == (frame.event == "created"), frame.data
        assert actor is None or actor["username"] in DEMO_USERS, frame.data
    if user == "supervisor":
        assert set(numbers.values()) <= set(in_scope)
        assert {f.json["report"]["number"] for f in replayed} >= set(numbers.values())


# --- the private photo ----------------------------------------------------------------------


def _photo_references(api: Api, user: str, number: str) -> list[str]:
    """Where any operator payload names this report's photo path."""
    needle = f"/reports/{number}/photo"
    found = []
    for what, response in (
        ("detail", api.get(user, f"/reports/{number}")),
        ("list", api.get(user, "/reports", params={"limit": 500})),
        ("private list", api.get(user, "/reports", params={"limit": 500, "private": "true"})),
    ):
        if needle in response.text:
            found.append(what)
    return found


@pytest.mark.parametrize("user", ["dispatcher", "officer", "supervisor", "supervisor.jp"])
def test_private_photo_is_locked_for_every_role(api: Api, user):
    number = api.submit(private=True, photo=jpeg_bytes())
    detail, _ = api.detail(user, number)
    assert detail["private"] is True
    assert detail["photo"] == "locked"
    assert detail["photo_info"] == {"state": "locked", "url": None, "content_type": None, "width": None, "height": None}
    summary = next(r for r in api.reports(user, q=detail["title"].split()[-1])["items"] if r["number"] == number)
    assert summary["photo"] == "locked"

    refused = api.get(user, f"/reports/{number}/photo")
    error = assert_error_body(refused, 403)
    assert error["error"] == "forbidden"
    assert not refused.headers["content-type"].startswith("image/")
    assert _photo_references(api, user, number) == []
    denied = audit_lines(api.audit(operator=user, report=number), action="denied", number=number)
    assert [line.split()[-1] for line in denied] == ["private_photo"]


def test_private_report_without_a_photo_looks_the_same(api: Api):
    """'locked' whether a photo exists or not: not even its existence leaks."""
    with_photo = api.detail("supervisor", api.submit(private=True, photo=jpeg_bytes()))[0]
    without = api.detail("supervisor", api.submit(private=True))[0]
    assert with_photo["photo_info"] == without["photo_info"]
    assert with_photo["photo"] == without["photo"] == "locked"
    assert_error_body(api.get("supervisor", f"/reports/{without['number']}/photo"), 403)


def test_private_photo_never_referenced_in_events_or_write_responses(api: Api):
    with EventStream(api, "supervisor") as stream:
        stream.started()
        number = api.submit(private=True, photo=jpeg_bytes())
        assigned = api.assign("dispatcher", number, "officer")
        noted = api.note("officer", number)
        closed = api.follow_up("officer", number)
        assert [r.status_code for r in (assigned, noted, closed)] == [200, 201, 200]
        stream.until(lambda f: f.event == "followed_up" and f.json["report"]["number"] == number)
    ours = [f for f in stream.events() if f.json["report"]["number"] == number]
    assert [f.event for f in ours] == ["created", "assigned", "noted", "followed_up"]
    assert all(f.json["report"]["photo"] == "locked" for f in ours)
    for text in [*(f.data for f in ours), assigned.text, noted.text, closed.text]:
        assert "/photo" not in text


def test_non_private_photo_is_served(api: Api):
    number = api.submit(private=False, photo=jpeg_bytes((90, 70)))
    detail, _ = api.detail("officer", number)
    assert detail["photo"] == "available"
    info = detail["photo_info"]
    assert info["state"] == "available"
    assert info["url"] == f"{API}/reports/{number}/photo"
    assert (info["content_type"], info["width"], info["height"]) == ("image/jpeg", 90, 70)
    served = api.http.get(info["url"], headers=api.auth("officer"))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, no-store"
    assert served.content.startswith(b"\xff\xd8\xff")
    audit = api.audit(operator="officer", report=number)
    assert len(audit_lines(audit, action="view_photo", number=number)) == 1


def test_report_without_photo_says_none_and_photo_is_404(api: Api):
    number = api.submit(private=False)
    detail, _ = api.detail("dispatcher", number)
    assert detail["photo"] == "none" and detail["photo_info"]["state"] == "none"
    assert detail["photo_info"]["url"] is None
    assert_error_body(api.get("dispatcher", f"/reports/{number}/photo"), 404)


def test_intake_is_private_by_default(api: Api):
    body = api.intake_body(photo=jpeg_bytes())
    del body["private"]
    response = api.intake(body)
    assert response.status_code == 201
    detail, _ = api.detail("dispatcher", response.json()["number"])
    assert detail["private"] is True and detail["photo"] == "locked"

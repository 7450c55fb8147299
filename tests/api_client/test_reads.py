"""Every read method against the real server (the seeded, shared demo server: nothing here writes)."""

from __future__ import annotations

import asyncio
import math
import socket
import time
from datetime import UTC, datetime

import msgspec
import pytest

from api_client import (
    CrmClient,
    InvalidArgument,
    NotFound,
    Operator,
    PhotoLocked,
    Report,
    ReportQuery,
    ReportStatus,
    Unauthorized,
)
from tests.api_client.conftest import FAST_RETRY, HOME, QUICK, Recorder


async def test_login_keeps_the_token_and_returns_the_operator(demo_server, client_for):
    client = await client_for(None)
    assert client.token is None
    session = await client.login("dispatcher", "dispatcher-demo")
    assert client.token
    assert session.operator == msgspec.convert(
        {
            "username": "dispatcher",
            "display_name": "Sari Wulandari",
            "role": "dispatcher",
            "agency": {"code": HOME, "name": "Kelurahan Cideng"},
        },
        Operator,
    )
    assert session.expires_at.tzinfo is not None and session.expires_at > datetime.now(UTC)
    assert "token" not in type(session).__struct_fields__
    assert client.token not in repr(session) and client.token not in msgspec.json.encode(session).decode()
    assert (await client.me()).username == "dispatcher"


async def test_wrong_password_is_unauthorized_and_not_retried(demo_server):
    recorder = Recorder()
    async with CrmClient(demo_server.base_url, transport=recorder, retry=FAST_RETRY, timeouts=QUICK) as client:
        with pytest.raises(Unauthorized) as caught:
            await client.login("dispatcher", "not-the-password")
    assert caught.value.status_code == 401
    assert caught.value.message == "Wrong username or password."
    assert caught.value.request_id and caught.value.request_id.startswith("req_")
    assert client.token is None
    assert recorder.paths() == ["/api/v1/auth/login"]


async def test_me_for_each_role(client_for):
    for user, role, agency in (("officer", "officer", HOME), ("supervisor", "supervisor", "DKI")):
        me = await (await client_for(user)).me()
        assert (me.username, me.role, me.agency.code) == (user, role, agency)


async def test_logout_revokes_the_token_on_the_server(demo_server, client_for):
    client = await client_for("officer3")
    token = client.token
    other = await client_for(None)
    other.token = token
    assert (await other.me()).username == "officer3"

    await client.logout()
    assert client.token is None
    with pytest.raises(Unauthorized):
        await other.me()
    await other.logout()  # an already revoked token: signed out all the same
    assert other.token is None


async def test_logout_blocking_revokes_the_token_without_the_event_loop(demo_server, client_for):
    client = await client_for("officer3")
    token = client.token
    assert demo_server.me_status(token) == 200
    # From a thread with no event loop of its own, as a signal handler or Textual's writer thread.
    await asyncio.to_thread(client.logout_blocking, 5.0)
    assert client.token is None
    assert demo_server.me_status(token) == 401
    client.logout_blocking(5.0)  # signed out already: nothing to send


def test_logout_blocking_waits_no_longer_than_it_is_told():
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        client = CrmClient(f"http://127.0.0.1:{silent.getsockname()[1]}", token="t0ken")
        started = time.monotonic()
        client.logout_blocking(0.3)
        assert time.monotonic() - started < 1.5
        assert client.token is None


async def test_signed_out_calls_are_unauthorized(client_for):
    client = await client_for(None)
    with pytest.raises(Unauthorized) as caught:
        await client.list_reports()
    assert caught.value.code == "unauthorized"


async def test_list_reports_first_page_newest_first(client_for):
    client = await client_for("dispatcher")
    page = await client.list_reports(limit=10)
    assert len(page.items) == 10
    assert page.total > 10 and page.next_cursor
    created = [r.created_at for r in page.items]
    assert created == sorted(created, reverse=True)
    assert all(r.agency.code == HOME for r in page.items)

    second = await client.list_reports(cursor=page.next_cursor, limit=10)
    assert second.items[0].created_at <= created[-1]
    assert not {r.number for r in page.items} & {r.number for r in second.items}


async def test_iter_pages_walks_every_page(client_for):
    client = await client_for("dispatcher")
    pages = [page async for page in client.iter_pages(limit=25)]
    total = pages[0].total
    numbers = [r.number for page in pages for r in page.items]
    assert len(pages) == math.ceil(total / 25) > 1
    assert len(numbers) == len(set(numbers)) == total
    assert pages[-1].next_cursor is None


async def _all(client: CrmClient, query: ReportQuery) -> list:
    return [r async for page in client.iter_pages(query, limit=500) for r in page.items]


async def test_filters_each_narrow_the_list(client_for):
    client = await client_for("supervisor")
    everything = await _all(client, ReportQuery())
    assert len(everything) == 300

    waiting = await _all(client, ReportQuery(status=("Menunggu", ReportStatus.TL_DITOLAK)))
    assert waiting and {r.status for r in waiting} <= {ReportStatus.MENUNGGU, ReportStatus.TL_DITOLAK}
    assert len(waiting) == sum(r.status in ("Menunggu", "TL Ditolak") for r in everything)

    category = everything[0].category
    in_category = await _all(client, ReportQuery(category=[category]))
    assert in_category and all(r.category == category for r in in_category)

    home = await _all(client, ReportQuery(agency=HOME))
    assert home and len(home) == sum(r.agency.code == HOME for r in everything)

    private = await _all(client, ReportQuery(private=True))
    public = await _all(client, ReportQuery(private=False))
    assert all(r.private for r in private) and not any(r.private for r in public)
    assert len(private) + len(public) == len(everything)

    now = datetime.now(UTC)
    overdue = await _all(client, ReportQuery(overdue=True))
    assert overdue and all(r.due_at < now and r.status != "Selesai" for r in overdue)

    unassigned = await _all(client, ReportQuery(assignee="unassigned"))
    assert unassigned and all(r.assignee is None for r in unassigned)
    budi = await _all(client, ReportQuery(assignee="officer"))
    assert budi and all(r.assignee and r.assignee.username == "officer" for r in budi)


async def test_assignee_me_and_text_search(client_for):
    officer = await client_for("officer")
    mine = await _all(officer, ReportQuery(assignee="me"))
    assert mine and all(r.assignee.username == "officer" for r in mine)

    dispatcher = await client_for("dispatcher")
    everything = await _all(dispatcher, ReportQuery())
    word = everything[0].title.split()[-1]
    found = await _all(dispatcher, ReportQuery(q=f"  {word} "))
    assert found and len(found) < len(everything)
    assert everything[0].number in {r.number for r in found}
    assert await _all(dispatcher, ReportQuery(q="zzqx-no-such-text")) == []


@pytest.mark.parametrize("sort", ["created", "-updated", "due", "-status"])
async def test_sorts(client_for, sort):
    client = await client_for("dispatcher")
    items = await _all(client, ReportQuery(sort=sort))
    key = {"created": "created_at", "updated": "updated_at", "due": "due_at", "status": "status"}[sort.lstrip("-")]
    order = list(ReportStatus)
    values = [order.index(r.status) if key == "status" else getattr(r, key) for r in items]
    if key == "due_at":  # open reports first
        values = [(not r.status.is_open, v) for r, v in zip(items, values, strict=True)]
    assert values == sorted(values, reverse=sort.startswith("-"))


async def test_get_report_carries_its_version_and_etag(client_for):
    client = await client_for("dispatcher")
    summary = (await client.list_reports(ReportQuery(status=("Selesai",)), limit=1)).items[0]
    report = await client.get_report(summary.number)
    assert isinstance(report, Report)
    assert report.number == summary.number
    assert report.etag == f'"{report.version}"'
    assert report.history and report.history[0].action
    assert report.resolution is not None
    assert all(entry.at.tzinfo is not None for entry in report.history)
    assert report.location.kelurahan_code == HOME


async def test_report_outside_the_operators_scope_is_not_found(client_for):
    home_report = (await (await client_for("dispatcher")).list_reports(limit=1)).items[0]
    outsider = await client_for("dispatcher.dbm")
    with pytest.raises(NotFound) as caught:
        await outsider.get_report(home_report.number)
    assert caught.value.request_id and caught.value.message == "Not found."


async def test_get_photo_returns_image_bytes(client_for):
    client = await client_for("dispatcher")
    public = await _all(client, ReportQuery(private=False))
    report = await client.get_report(next(r.number for r in public if r.photo == "available"))
    assert report.photo_info.state == "available" and report.photo_info.content_type == "image/jpeg"
    photo = await client.get_photo(report)
    assert photo[:3] == b"\xff\xd8\xff"
    assert not hasattr(report.photo_info, "url")


@pytest.mark.parametrize("state", ["locked", "none"])
async def test_unavailable_photo_raises_photo_locked_without_a_request(demo_server, client_for, state):
    recorder = Recorder()
    client = await client_for("dispatcher", transport=recorder)
    rows = await _all(client, ReportQuery(private=state == "locked"))
    report = await client.get_report(next(r.number for r in rows if r.photo == state))
    assert report.photo_info.state == state
    before = len(recorder.requests)
    with pytest.raises(PhotoLocked) as caught:
        await client.get_photo(report)
    with pytest.raises(PhotoLocked):
        await client.get_photo(rows[0] if rows[0].photo == state else report)
    assert len(recorder.requests) == before
    assert caught.value.state == state


async def test_a_malformed_report_number_is_refused_before_any_request(client_for):
    recorder = Recorder()
    client = await client_for("dispatcher", transport=recorder)
    before = len(recorder.requests)
    for number in ("..", "JK1/../../me", "", "JK 1"):
        with pytest.raises(InvalidArgument):
            await client.get_report(number)
    assert len(recorder.requests) == before


async def test_reference_data(client_for):
    client = await client_for("dispatcher")
    officers = await client.officers()
    assert {o.username for o in officers} >= {"officer", "officer2", "officer3"}
    assert all(o.open_workload >= 0 and o.agency.code for o in officers)
    categories = await client.categories()
    assert categories and all(c.code and c.name for c in categories)
    agencies = await client.agencies()
    codes = {a.code: a for a in agencies}
    assert codes[HOME].parent_code is not None and codes["DKI"].parent_code is None
    health = await client.health()
    assert health.status == "ok" and health.schema_version >= 1


async def test_templates_by_action_and_category_filled_for_a_report(client_for):
    client = await client_for("officer")
    closes = await client.templates(action="close")
    assert closes and {t.action for t in closes} == {"close"}
    roads = {t.title: t for t in await client.templates(action="follow_up", category="jalan-rusak")}
    assert "Jalan sudah diperbaiki" in roads and "Sampah sudah diangkut" not in roads
    report = (await client.list_reports(limit=1)).items[0]
    filled = {t.title: t for t in closes}["Bukan wewenang kelurahan"].filled(report)
    assert report.number in filled and report.category_name in filled and report.kelurahan in filled
    assert "{" not in filled


async def test_stats_of_the_operators_scope(client_for):
    client = await client_for("dispatcher")
    stats = await client.stats()
    assert [a.agency.code for a in stats.agencies] == [HOME]
    assert stats.officers[0].officer is None  # the unassigned first
    assert {o.officer.username for o in stats.officers[1:] if o.officer} == {"officer", "officer2", "officer3"}
    open_total = (await client.list_reports(ReportQuery(status=[s for s in ReportStatus if s.is_open]), limit=1)).total
    assert stats.total.open == sum(o.open for o in stats.officers) == open_total
    assert len(stats.days) == 30 and stats.days == tuple(sorted(stats.days, key=lambda d: d.day))
    assert stats.total.median_close is None or stats.total.median_close.total_seconds() > 0

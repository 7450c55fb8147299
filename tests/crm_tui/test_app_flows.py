"""Flows on the main screen, by keys, against the real server."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from api_client import CrmClient
from api_client.query import ReportQuery
from crm_tui.app import CrmApp
from crm_tui.config import Config
from tests.crm_tui.harness import console, main_loaded, screen_text, sign_in_ready, type_text, until
from widgets.console_header import ConsoleHeader
from widgets.report_table import ReportTable


class CountingTransport(httpx.AsyncBaseTransport):
    """Forwards every request to the real server and remembers its path."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _api(server, username: str) -> httpx.Client:
    token = server.login(username)
    return httpx.Client(base_url=f"{server.base_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10)


@pytest.mark.slow
async def test_moving_the_cursor_follows_with_the_detail(demo_server):
    async with console(demo_server) as (app, pilot):
        screen = app.screen
        first = screen.current.number
        await pilot.press("j", "j")
        second = screen.window.row(2).number
        await until(pilot, lambda: screen.current.number == second, "the detail of row 3")
        assert second != first
        await pilot.press("G")
        last = screen.window.total - 1
        await until(pilot, lambda: screen.window.row(last) is not None, "the bottom page")
        await until(pilot, lambda: screen.current.number == screen.window.row(last).number, "the last report")
        await pilot.press("g")
        await until(pilot, lambda: screen.current.number == first, "back at the top")


@pytest.mark.slow
async def test_the_command_line_jumps_to_a_report_and_says_when_there_is_none(demo_server, english_ui):
    async with console(demo_server) as (app, pilot):
        screen = app.screen
        with _api(demo_server, "dispatcher") as api:
            far = api.get("/reports", params={"limit": 1, "sort": "created"}).json()["items"][0]["number"]  # the oldest
        assert screen.table.cursor != screen.window.index_of(far)
        await pilot.press(":")
        await type_text(pilot, far.lower())
        await pilot.press("enter")
        await until(pilot, lambda: screen.current.number == far, "the report jumped to")
        assert screen.table.cursor == screen.window.index_of(far)  # the list is on it too
        assert far in screen_text(app)
        await pilot.press(":")
        await type_text(pilot, "JK2001010001")
        await pilot.press("enter")
        await until(pilot, lambda: "JK2001010001" in screen_text(app), "the not-found warning")
        assert screen.current.number == far


@pytest.mark.slow
async def test_a_jump_is_not_undone_by_the_row_the_cursor_left(demo_server, monkeypatch):
    """`j` then `:` at once: the moved-to row's detail, due when the cursor rests, must not
    replace the report jumped to when it comes later than the jump began (a slow answer)."""
    # The cursor rests 1 s after `j`: after the jump began (typing it takes less), before it ends.
    monkeypatch.setattr("crm_tui.screens.report_browser.DETAIL_SETTLE_SECONDS", 1.0)
    async with console(demo_server) as (app, pilot):
        screen = app.screen
        target = screen.window.row(5).number
        fetch = app.client.get_report

        async def slow_for_the_target(number, *args, **kwargs):
            if number == target:
                await asyncio.sleep(2.5)  # still out when the cursor "rests" on the row moved to
            return await fetch(number, *args, **kwargs)

        monkeypatch.setattr(app.client, "get_report", slow_for_the_target)
        await pilot.press("j", ":")
        await type_text(pilot, target)
        await pilot.press("enter")
        await until(pilot, lambda: screen.current.number == target, "the report jumped to")
        await pilot.pause(1.2)  # the detail settle timer of the jumped-to row passes too
        assert screen.current.number == target


@pytest.mark.slow
async def test_private_photos_are_never_requested_and_available_ones_are_drawn(demo_server):
    transport = CountingTransport()
    client = CrmClient(demo_server.base_url, transport=transport)
    app = CrmApp(Config(server=demo_server.base_url), client=client, credentials=("dispatcher", "dispatcher-demo"))
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: main_loaded(app))
        screen = app.screen
        seen_private = seen_photo = 0
        for _ in range(40):
            report = screen.current
            if report.private:
                seen_private += 1
                assert screen.detail.photo.state == "locked"
            elif report.photo_info.state == "available":
                await until(pilot, lambda: screen.detail.photo.state == "shown", "the photo drawn")
                seen_photo += 1
            if seen_private >= 3 and seen_photo >= 1:
                break
            before = report.number
            await pilot.press("j")
            await until(pilot, lambda before=before: screen.current.number != before, "the next report")
        assert seen_private >= 3 and seen_photo >= 1
        private_numbers = {row.number for _, row in screen.window.loaded_rows() if row.private}
        photo_paths = [p for p in transport.paths if p.endswith("/photo")]
        assert photo_paths, "an available photo was fetched"
        assert not [p for p in photo_paths if p.split("/")[-2] in private_numbers]


async def test_a_change_by_another_operator_updates_row_and_detail(writes):
    own = writes.submit(title="Changed by another operator")  # the newest: the list's first open report
    async with console(writes.server) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.header.connection == "online" and screen.current is not None)
        # The first open, assignable report in the list.
        screen.set_query(ReportQuery(status=("Menunggu",)))
        await until(pilot, lambda: main_loaded(app) and screen.current and screen.current.status == "Menunggu")
        number = screen.current.number
        assert number == own
        with _api(writes.server, "supervisor") as api:
            etag = api.get(f"/reports/{number}").headers["etag"]
            assert (
                api.post(
                    f"/reports/{number}/assign", json={"officer": "officer2"}, headers={"If-Match": etag}
                ).status_code
                == 200
            )
        await until(pilot, lambda: screen.current.status == "Proses", "the detail reloaded")
        notice = screen.detail.query_one("#notice")
        await until(pilot, lambda: "Hendra Gunawan" in str(notice.render()), "who changed it")
        index = screen.window.index_of(number)
        assert screen.window.row(index).assignee.username == "officer2"


async def test_a_new_report_appears_with_a_marker(writes_server):
    async with console(writes_server) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.header.connection == "online")
        key = writes_server.intake_key()
        response = httpx.post(
            f"{writes_server.base_url}/api/v1/intake/reports",
            headers={"X-Intake-Key": key},
            json={
                "channel": "JAKI",
                "category": "lainnya",
                "title": "Lampu gang mati sejak kemarin",
                "description": "Gelap total.",
                "location": {"address": "Gg. Buntu 3", "kelurahan": "JP.GAMBIR.CIDENG"},
            },
            timeout=10,
        )
        assert response.status_code == 201
        number = response.json()["number"]
        header = screen.query_one(ConsoleHeader)
        await until(pilot, lambda: header.new_count == 1, "the new count")
        await until(pilot, lambda: screen.window.index_of(number) is not None, "the new row at the top")
        assert number in screen.query_one(ReportTable).new_numbers


async def test_an_officer_claims_an_unassigned_report(writes):
    own = writes.submit(title="Claimed by an officer")  # the newest: the list's first unassigned report
    async with console(writes.server, "officer") as (app, pilot):
        screen = app.screen
        screen.set_query(ReportQuery(assignee="unassigned", status=("Menunggu",)))
        await until(pilot, lambda: main_loaded(app) and screen.current and screen.current.assignee is None)
        assert screen.check_action("assign", ()) is False  # officers do not route
        number = screen.current.number
        assert number == own
        await pilot.press("m")
        await until(pilot, lambda: screen.current.assignee is not None, "the claim")
        with _api(writes.server, "supervisor") as api:
            assert api.get(f"/reports/{number}").json()["assignee"]["username"] == "officer"


async def test_an_expired_session_signs_in_again_over_the_screen(writes_server):
    async with console(writes_server) as (app, pilot):
        screen = app.screen
        await pilot.press("j")
        await until(pilot, lambda: screen.current.number == screen.window.row(1).number)
        kept = screen.current.number
        # The session ends on the server (as an expiry would).
        httpx.post(
            f"{writes_server.base_url}/api/v1/auth/logout",
            headers={"Authorization": f"Bearer {app.client.token}"},
            timeout=10,
        )
        # The server ends the token's live stream at once, and the console asks to sign in without
        # waiting for a key (a key pressed now would go to that sign-in; test_connection_state.py
        # has a call find the ended session instead).
        await until(pilot, lambda: sign_in_ready(app), "the sign-in screen")
        await type_text(pilot, "dispatcher-demo")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "back on the main screen")
        assert screen.current.number == kept
        await until(pilot, lambda: screen.window.total is not None)


@pytest.mark.slow
async def test_server_down_mid_session_is_shown_and_survived(make_server):
    # A server of its own: this test stops and restarts it.
    fresh_server = make_server(reports=60)
    async with console(fresh_server) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.header.connection == "online")
        fresh_server.stop()
        await until(pilot, lambda: screen.header.connection != "online", "the connection state", timeout=30)
        await pilot.press("r")
        await until(pilot, lambda: screen.header.connection == "offline" or "reach" in screen_text(app))
        assert app.is_running
        assert "Traceback" not in screen_text(app)
        fresh_server.start()
        await until(pilot, lambda: screen.header.connection == "online", "reconnected", timeout=40)
        await pilot.press("r")
        await until(pilot, lambda: screen.window.total, "the list again")


@pytest.mark.slow
async def test_a_search_matching_very_many_reports_says_at_least(make_server):
    """The server counts a broad text search only up to a bound; the header says so."""
    # A server of its own: more reports than the bound (10,000) match, and only this test needs that many.
    server = make_server(reports=12_000)
    async with console(server, "supervisor") as (app, pilot):
        screen = app.screen
        screen.set_query(ReportQuery(q="an"))
        await until(pilot, lambda: screen.window.total is not None and screen.current is not None)
        assert screen.window.at_least
        header = screen.query_one(ConsoleHeader)
        assert header.total_is_lower_bound
        assert f"≥{screen.window.total:,}" in screen_text(app)


@pytest.mark.slow
async def test_sort_and_filter_by_keys(demo_server):
    from crm_tui.dialogs.filter_dialog import FilterDialog
    from crm_tui.dialogs.sort_dialog import SortDialog

    with _api(demo_server, "dispatcher") as api:
        oldest = api.get("/reports", params={"sort": "created", "limit": 1}).json()["items"][0]["number"]
        waiting = api.get("/reports", params={"status": "Menunggu", "limit": 1}).json()["total"]
    async with console(demo_server) as (app, pilot):
        screen = app.screen
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SortDialog), "the sort dialog")
        await pilot.press("down", "enter")  # newest first -> oldest first
        await until(pilot, lambda: screen.query_state.sort == "created" and screen.window.row(0) is not None)
        assert screen.window.row(0).number == oldest
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FilterDialog), "the filter dialog")
        await pilot.press("space", "ctrl+s")  # the first status: Menunggu
        await until(pilot, lambda: screen.query_state.status == ("Menunggu",) and screen.window.total is not None)
        assert screen.window.total == waiting
        assert {row.status for _, row in screen.window.loaded_rows()} == {"Menunggu"}
        assert "(tersaring: Menunggu)" in screen_text(app)

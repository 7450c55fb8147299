"""The cursor stays on its report and the detail shows only the report the cursor is on: reports
arriving, the server stopping during a detail load or a jump, a request that stalls. The real
console against the real server (faults injected by a transport where the server cannot make
them on cue)."""

from __future__ import annotations

import pytest

from api_client import CrmClient
from crm_tui.screens.main_screen import MainScreen
from tests.crm_server.helpers import Api, audit_lines
from tests.crm_tui import faults
from tests.crm_tui.harness import console, screen_text, toasts, until
from widgets.privacy_banner import PRIVATE_TEXT, PUBLIC_TEXT, PrivacyBanner

pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def world(writes: Api) -> Api:
    """The shared server for writes (the tests that stop a server start their own)."""
    return writes


def banner_of(screen: MainScreen) -> str:
    return screen.detail.query_one(PrivacyBanner).render().plain.splitlines()[0]


def shows_subject(screen: MainScreen) -> bool:
    """The detail is about the highlighted row's report, banner included."""
    subject = screen.highlighted
    heading = str(screen.detail.query_one("#heading").render())
    expected = PRIVATE_TEXT if subject.private else PUBLIC_TEXT
    return heading.startswith(subject.number) and banner_of(screen) == expected


async def test_arrivals_never_move_the_cursor_or_the_detail(world):
    async with console(world.server) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.table.cursor == 0 and screen.current is not None, "the top row shown")
        top = screen.current.number
        arrived = [world.submit(title=f"Arrival {n}", private=bool(n % 2)) for n in range(3)]
        await until(pilot, lambda: all(screen.window.index_of(n) is not None for n in arrived), "the arrivals listed")
        await pilot.pause(0.5)  # the detail would have moved by now, had it followed
        assert screen.highlighted.number == top and screen.current.number == top
        assert screen.table.cursor == screen.window.index_of(top) == 3  # still on its report, moved down
        assert shows_subject(screen)
        assert screen.header.new_count == 3 and set(arrived) <= screen.table.new_numbers
        assert "3 new" in screen_text(app)
        await pilot.press("N")  # the operator goes to them: the newest first
        await until(pilot, lambda: screen.current.number == arrived[-1], "the newest arrival")
        assert screen.header.new_count == 2 and arrived[-1] not in screen.table.new_numbers
        assert shows_subject(screen)


async def test_one_request_and_one_audited_view_per_jump(world):
    number = world.reports("dispatcher", sort="created", limit=1)["items"][0]["number"]  # the oldest
    transport = faults.Faults()
    client = CrmClient(world.server.base_url, transport=transport)
    async with console(world.server, client=client) as (app, pilot):
        screen = app.screen
        views_before = len(audit_lines(world.audit(report=number), action="view", number=number))
        await pilot.press(":", *number, "enter")
        await until(pilot, lambda: screen.current.number == number, "the report jumped to")
        await pilot.pause(0.5)  # a second request would have gone out by now
        assert transport.count(faults.report_get(number)) == 1
        assert shows_subject(screen)
    views = audit_lines(world.audit(report=number), action="view", number=number)
    assert len(views) == views_before + 1


async def test_the_detail_shows_loading_at_once_for_the_row_the_cursor_is_on(world):
    transport = faults.Faults()
    client = CrmClient(world.server.base_url, transport=transport)
    async with console(world.server, client=client) as (app, pilot):
        screen = app.screen
        second = screen.window.row(1)
        gate = transport.stall(faults.report_get(second.number))  # a server that stalls on it
        await pilot.press("j")
        await pilot.pause()
        assert screen.highlighted.number == second.number
        assert shows_subject(screen)  # its own row and banner, not the previous report's
        assert "Loading its details" in str(screen.detail.query_one("#notice").render())
        gate.set()
        await until(pilot, lambda: screen.current.number == second.number, "the full report")
        assert str(screen.detail.query_one("#notice").render()) == ""


@pytest.mark.slow
async def test_the_server_stopping_during_a_detail_load_and_a_jump(make_server):
    # A server of its own: this test stops and restarts it.
    server = make_server(reports=60)
    api = Api(server)
    far = api.reports("dispatcher", sort="created", limit=1)["items"][0]["number"]
    api.close()
    async with console(server) as (app, pilot):
        screen = app.screen
        first = screen.current.number
        server.stop()
        await pilot.press(":", *far, "enter")  # a jump while the server is away: not "not found"
        await until(pilot, lambda: f"Report {far} is not loaded: Cannot reach the CRM server." in toasts(app), "why")
        assert "not found" not in toasts(app)
        assert screen.current.number == first and shows_subject(screen)

        await pilot.press("j")  # the detail of the next row cannot load
        second = screen.window.row(1)
        notice = screen.detail.query_one("#notice")
        await until(pilot, lambda: "are not loaded" in str(notice.render()), "the not-loaded state")
        assert f"The details of {second.number} are not loaded: Cannot reach the CRM server." in str(notice.render())
        assert screen.highlighted.number == second.number and shows_subject(screen)
        assert screen.header.connection == "offline"

        server.start()  # no key pressed: the detail loads by itself once the server answers
        await until(pilot, lambda: screen.current.number == second.number, "the detail reloaded", timeout=40)
        assert screen.header.connection == "online" and str(notice.render()) == ""
        assert shows_subject(screen)

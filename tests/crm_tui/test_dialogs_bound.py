"""An action dialog acts on the report and the version it opened on, with the world moving under
it: a report arriving, the cursor moving, a refresh, another operator acting, the server going
away and coming back, the session being renewed. The real console against the real server."""

from __future__ import annotations

import pytest

from api_client import CrmClient
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.close_dialog import CloseDialog
from crm_tui.dialogs.note_dialog import NoteDialog
from crm_tui.screens.main_screen import MainScreen
from tests.crm_server.helpers import Api
from tests.crm_tui import faults
from tests.crm_tui.harness import console, screen_text, toasts, type_text, until
from tests.support.server import DEMO_PASSWORD_SUFFIX

pytestmark = pytest.mark.usefixtures("english_ui")

OFFICERS = {"officer": "Budi Santoso", "officer2": "Rina Marlina", "officer3": "Agus Setiawan"}


@pytest.fixture
def world(writes: Api) -> Api:
    """The shared server for writes: each test submits the reports it acts on, so none shares them."""
    return writes


async def on_top(pilot, screen: MainScreen, number: str) -> None:
    """The cursor on report `number`, at the top of the list (it arrived last)."""
    await pilot.press("r")
    await until(pilot, lambda: screen.window.index_of(number) is not None, f"{number} listed")
    screen.table.cursor = screen.window.index_of(number)
    await until(pilot, lambda: screen.current is not None and screen.current.number == number, f"{number} shown")


async def arrival_and_cursor_move(pilot, world: Api, screen: MainScreen) -> str:
    """A report arrives (its row shows, the cursor stays), then the cursor is moved onto it
    (as a stray key on the list would), a refresh runs and the stream resyncs."""
    subject = screen.highlighted.number
    arrived = world.submit(title="Arrived while a dialog was open")
    await until(pilot, lambda: screen.window.index_of(arrived) is not None, "the arrival listed")
    assert screen.highlighted.number == subject  # the arrival did not take the cursor
    screen.table.cursor = screen.window.index_of(arrived)
    await until(pilot, lambda: screen.highlighted.number == arrived, "the cursor on the arrival")
    screen.action_refresh()
    screen._resync()
    await until(pilot, lambda: screen.current.number == arrived, "the arrival's detail")
    return arrived


@pytest.mark.slow
async def test_assign_acts_on_the_report_it_names_when_a_report_arrives_and_the_cursor_moves(world):
    number = world.submit(title="The report the assign dialog names")
    async with console(world.server) as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("a")
        dialog = await until(pilot, lambda: isinstance(app.screen, AssignDialog) and app.screen, "the dialog")
        await until(pilot, lambda: f"Assign {number}" in screen_text(app), "the dialog drawn")
        arrived = await arrival_and_cursor_move(pilot, world, screen)
        assert app.screen is dialog and dialog.report.number == number
        await type_text(pilot, "budi")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        await until(pilot, lambda: f"{number} assigned to Budi Santoso" in toasts(app), "the toast")
    assert world.detail("supervisor", number)[0]["assignee"]["username"] == "officer"
    assert world.detail("supervisor", arrived)[0]["assignee"] is None


async def test_close_closes_the_report_its_question_names(world):
    number = world.submit(title="The report the close dialog names")
    async with console(world.server) as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("c")
        dialog = await until(pilot, lambda: isinstance(app.screen, CloseDialog) and app.screen, "the dialog")
        await pilot.press("enter")  # the first resolution, and on to the note (Tab: the templates)
        await type_text(pilot, "Sudah dibersihkan.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: f"Close {number} as 'bukan wewenang'?" in screen_text(app), "the question")
        arrived = await arrival_and_cursor_move(pilot, world, screen)
        assert f"Close {number} as 'bukan wewenang'?" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
        assert dialog.report.number == number
    closed, _ = world.detail("supervisor", number)
    assert closed["status"] == "Selesai" and closed["history"][-1]["note"] == "Sudah dibersihkan."
    assert world.detail("supervisor", arrived)[0]["status"] == "Menunggu"


async def test_a_note_lands_on_the_report_its_dialog_names(world):
    number = world.submit(title="The report the note dialog names")
    async with console(world.server) as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog), "the dialog")
        arrived = await arrival_and_cursor_move(pilot, world, screen)
        await type_text(pilot, "Petugas meluncur.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
    assert [n["text"] for n in world.detail("supervisor", number)[0]["notes"]] == ["Petugas meluncur."]
    assert world.detail("supervisor", arrived)[0]["notes"] == []


async def test_a_change_by_another_operator_shows_at_once_and_applies_only_once_confirmed(world):
    number = world.submit(title="Two operators on one report")
    async with console(world.server) as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("a")
        dialog = await until(pilot, lambda: isinstance(app.screen, AssignDialog) and app.screen, "the dialog")
        opened_on = dialog.report.version
        await type_text(pilot, "agus")  # the operator is typing when the other one acts
        assert world.assign("supervisor", number, "officer2").status_code == 200
        await until(pilot, lambda: "was changed by" in dialog.message_text, "the notice, without a key")
        assert "status Menunggu → Proses; officer — → Rina Marlina." in dialog.message_text
        assert "Hendra Gunawan" in dialog.message_text  # who, from the event
        assert dialog.report.version == opened_on and dialog.offered is not None
        assert dialog.query_one("#officer-filter").value == "agus"  # the input is kept
        assert world.detail("supervisor", number)[0]["assignee"]["username"] == "officer2"
        await pilot.press("enter")  # the operator's yes, having seen it
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
    report, _ = world.detail("supervisor", number)
    assert report["assignee"]["username"] == "officer3"
    assert [h["detail"] for h in report["history"] if h["action"] == "assigned"] == [
        "officer: officer2",
        "officer: officer3",
    ]


async def test_without_live_events_a_stale_write_is_a_conflict_and_overwrites_nothing(world):
    """The event stream is stalled (a proxy that holds it): the write goes out with the version
    the dialog opened on, the server refuses it, and the dialog shows who changed what."""
    number = world.submit(title="A conflict the console hears only from the server")
    transport = faults.Faults()
    transport.stall(faults.events)
    client = CrmClient(world.server.base_url, transport=transport)
    async with console(world.server, client=client) as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("a")
        dialog = await until(pilot, lambda: isinstance(app.screen, AssignDialog) and app.screen, "the dialog")
        assert world.assign("supervisor", number, "officer2").status_code == 200
        await type_text(pilot, "agus")
        await pilot.press("enter")
        await until(pilot, lambda: "was changed by Hendra Gunawan" in dialog.message_text, "the conflict")
        assert "officer — → Rina Marlina" in dialog.message_text and app.screen is dialog
        assert world.detail("supervisor", number)[0]["assignee"]["username"] == "officer2"  # not overwritten
        # The detail underneath shows the new version too.
        assert screen.current.number == number and screen.current.assignee.username == "officer2"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the dialog cancelled")
    assert world.detail("supervisor", number)[0]["assignee"]["username"] == "officer2"


async def test_the_session_renewed_under_a_dialog_does_not_change_what_it_acts_on(world):
    number = world.submit(title="Assigned across a renewed session")
    async with console(world.server) as (app, pilot):
        screen = app.screen
        await on_top(pilot, screen, number)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AssignDialog), "the dialog")
        old_token = app.client.token
        await app.client.login("dispatcher", "dispatcher" + DEMO_PASSWORD_SUFFIX, revoke_previous=True)  # an unlock
        assert app.client.token != old_token and world.server.me_status(old_token) == 401
        await arrival_and_cursor_move(pilot, world, screen)
        await type_text(pilot, "rina")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the dialog closed")
    assert world.detail("supervisor", number)[0]["assignee"]["username"] == "officer2"


@pytest.mark.slow
async def test_the_server_going_away_and_coming_back_under_a_dialog(make_server):
    # A server of its own: this test stops and restarts it.
    server = make_server(reports=60)
    api = Api(server)
    try:
        number = api.submit(title="Assigned across an outage")
        async with console(server) as (app, pilot):
            screen = app.screen
            await on_top(pilot, screen, number)
            await pilot.press("a")
            dialog = await until(pilot, lambda: isinstance(app.screen, AssignDialog) and app.screen, "the dialog")
            server.stop()
            await type_text(pilot, "budi")
            await pilot.press("enter")
            await until(pilot, lambda: "Cannot reach the CRM server." in dialog.message_text, "the failure")
            await until(pilot, lambda: screen.header.connection == "offline", "offline")
            server.start()
            await until(pilot, lambda: screen.header.connection == "online", "reconnected", timeout=40)
            assert dialog.report.number == number and dialog.offered is None
            await pilot.press("enter")
            await until(pilot, lambda: app.screen is screen, "the dialog closed")
        assert api.detail("supervisor", number)[0]["assignee"]["username"] == "officer"
    finally:
        api.close()

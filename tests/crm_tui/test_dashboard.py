"""The dashboard (`D`, `:dashboard`): the operator's scope from the server, Enter on a row lists its
reports, escape returns; an unreachable server is said as such; names are shown as typed."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot

from api_client.errors import APIConnectionError
from api_client.models import Stats
from crm_tui.app import CrmApp
from crm_tui.dialogs.command_line import CommandLine
from crm_tui.screens.dashboard_screen import DashboardScreen
from tests.crm_tui.harness import console, screen_text, type_text, until
from tests.widgets.stats_fixtures import MARKUP_NAME, STATS
from widgets.stats_table import StatsTable

HOME = "JP.GAMBIR.CIDENG"


def row_keys(table: StatsTable) -> list[str | None]:
    return [key.value for key in table.rows]


async def dashboard(app: CrmApp, pilot: Pilot) -> DashboardScreen:
    screen = await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, "the dashboard")
    await until(pilot, lambda: screen.stats is not None and screen.query_one("#agencies", StatsTable).row_count)
    return screen


async def test_enter_on_an_officer_or_a_sub_agency_lists_its_reports_and_escape_returns(demo_server):
    async with console(demo_server) as (app, pilot):
        main = app.screen
        before = main.query_state
        await pilot.press("D")
        screen = await dashboard(app, pilot)
        officers = screen.query_one("#officers", StatsTable)
        assert row_keys(officers)[0] == "unassigned"
        assert set(row_keys(officers)) == {"unassigned", "officer", "officer2", "officer3"}
        assert row_keys(screen.query_one("#agencies", StatsTable)) == [HOME]
        shown = screen_text(app)
        assert "Dasbor" in shown and "Masuk" in shown and "Rina Marlina" in shown and "(belum ditugaskan)" in shown

        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the list again")
        assert main.query_state == before

        await pilot.press("D")
        screen = await dashboard(app, pilot)
        officers = screen.query_one("#officers", StatsTable)
        officers.move_cursor(row=row_keys(officers).index("officer2"))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is main and main.query_state.assignee == "officer2", "the list")
        await until(pilot, lambda: main.window.total is not None, "the filtered list")
        rows = [row for _, row in main.window.loaded_rows()]
        assert rows and all(row.assignee and row.assignee.username == "officer2" for row in rows)

        await pilot.press("D")
        await dashboard(app, pilot)
        await pilot.press("tab", "enter")  # the sub-agencies' table, its first row
        await until(pilot, lambda: app.screen is main and main.query_state.agency == HOME, "the agency's list")
        # The row's reports: the officer's filter gives way to the sub-agency's.
        assert main.query_state == before.replace(agency=HOME)


async def test_the_command_line_opens_the_dashboard_for_a_supervisors_whole_scope(demo_server):
    async with console(demo_server, "supervisor") as (app, pilot):
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, CommandLine), "the command line")
        await type_text(pilot, "dashboard")
        await pilot.press("enter")
        screen = await dashboard(app, pilot)
        agencies = row_keys(screen.query_one("#agencies", StatsTable))
        assert "JP" in agencies and HOME not in agencies  # sub-agencies, each with its subtree
        assert {"officer", "officer.dbm"} <= set(row_keys(screen.query_one("#officers", StatsTable)))


class Host(App[None]):
    """The dashboard alone, on figures the test gives (or a failure)."""

    def __init__(self, fetch) -> None:
        super().__init__()
        self.fetch = fetch

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(self.fetch, "Kelurahan Cideng"))


async def test_an_unreachable_server_is_said_as_such():
    async def unreachable() -> Stats:
        raise APIConnectionError(cause="ConnectError")

    app = Host(unreachable)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "tidak dapat dihubungi" in screen_text(app), "the failure")
        assert "ditemukan" not in screen_text(app)


async def test_names_are_shown_as_typed_and_the_figures_fit_80_columns():
    async def fixed() -> Stats:
        return STATS

    app = Host(fixed)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Budi Santoso" in screen_text(app), "the figures")
        shown = screen_text(app)
        assert MARKUP_NAME[:20] in shown  # markup in a name is text, not a click
        assert "4h5j" in shown  # Budi's median: 101 hours
        assert "Buka daftar" in shown  # what Enter does, in the footer
        assert "Terbuka 81 · merah 24" in shown
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DashboardScreen), "dismissed")

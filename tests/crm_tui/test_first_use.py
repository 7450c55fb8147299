"""First use: the help names the demo's accounts (in demo mode) and what the list's units mean;
at 80x24 the footer says how to reach the part of the detail below its pane."""

from __future__ import annotations

from crm_server.demo.seed import DEMO_OPERATORS
from crm_tui.app import CrmApp
from crm_tui.config import Config
from crm_tui.dialogs.help_screen import HelpScreen
from tests.crm_tui.harness import console, main_loaded, screen_text, until


def _notes(app: CrmApp) -> str:
    return str(app.screen.query_one("#help-notes").render())


async def test_the_demos_help_names_an_account_of_each_role(demo_server):
    app = CrmApp(Config(server=demo_server.base_url), credentials=("dispatcher", "dispatcher-demo"), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: main_loaded(app), "the main screen")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        notes = _notes(app)
        assert "Akun demo" in notes
        for role in {op.role for op in DEMO_OPERATORS}:
            op = next(op for op in DEMO_OPERATORS if op.role == role)
            assert f"{op.username}  {op.password}  {role}" in notes
        assert "m menit, j jam, h hari" in notes  # the units of Umur and Sisa


async def test_outside_the_demo_the_help_names_no_account(demo_server):
    async with console(demo_server) as (app, pilot):
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert "Akun demo" not in _notes(app) and "-demo" not in _notes(app)
        assert "m menit, j jam, h hari" in _notes(app)


async def test_at_80x24_the_footer_shows_the_way_to_the_rest_of_the_detail(demo_server):
    async with console(demo_server, size=(80, 24)) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.current is not None, "a report's detail")
        await until(pilot, lambda: "⇥ Rinci↓" in screen_text(app), "the hint in the footer")
        assert screen.detail.max_scroll_y > 0
        await pilot.press("tab")
        await until(pilot, lambda: screen.detail.has_focus, "the detail focused")
        await until(pilot, lambda: "Rinci↓" not in screen_text(app), "the hint gone once there")
        await pilot.press("tab")
        await until(pilot, lambda: screen.table.has_focus, "back on the list")


async def test_with_room_for_the_whole_detail_the_footer_does_not_offer_it(demo_server):
    async with console(demo_server, size=(200, 80)) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.current is not None, "a report's detail")
        await pilot.pause(0.3)
        assert screen.detail.max_scroll_y == 0  # the whole detail shows at this size
        assert "Rinci↓" not in screen_text(app)

"""Snapshots of the whole console: the connect, login and main screens, and dialogs over the main
screen, against the real server on a deterministically seeded database with the console's clock
pinned. The server's port never shows on these screens.

Update with `pytest tests/snapshots --snapshot-update`, then look at every changed SVG.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from crm_tui.app import CrmApp
from crm_tui.config import Config
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.close_dialog import CloseDialog
from crm_tui.dialogs.text_filter import TextFilterDialog
from crm_tui.screens import connect_screen
from crm_tui.screens.connect_screen import ConnectScreen
from crm_tui.screens.login_screen import LoginScreen

# Key labels are translated when a screen's module is imported: import it now, in Indonesian.
from crm_tui.screens.main_screen import MainScreen
from tests.crm_tui.harness import screen_text, type_text, until
from tests.snapshots.support import CONSOLE_NOW, SMALL, WIDE, steady_cursors
from tests.support.server import DEMO_PASSWORD_SUFFIX
from widgets.report_detail import ReportDetail

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on port 9 of loopback: refused at once
BACKGROUND_GROUPS = {"events"}  # the event stream runs for as long as the screen does


def console(server, username: str | None = "dispatcher") -> CrmApp:
    credentials = (username, username + DEMO_PASSWORD_SUFFIX) if username else None
    return CrmApp(Config(server=server.base_url), credentials=credentials, clock=lambda: CONSOLE_NOW)


def quiet(app: CrmApp) -> bool:
    """No worker is running but the long-lived event stream."""
    return all(not worker.is_running for worker in app.workers if worker.group not in BACKGROUND_GROUPS)


async def main_screen(pilot: Pilot) -> MainScreen:
    """The main screen, its first page and the detail of the highlighted row loaded."""
    app = pilot.app
    screen = await until(pilot, lambda: composed(app.screen), "the main screen")
    # The detail pane's "time left" reads its own `now`, which the main screen does not set from
    # the console's clock: pin it here, before the first report arrives, so the snapshot holds.
    shown_before = screen.current is not None
    screen.detail.now = CONSOLE_NOW
    await until(pilot, lambda: settled(screen), "the first page and its detail")
    if shown_before:  # drawn with the wall clock: draw it again
        screen.detail.show_report(screen.current)
    return screen


def composed(screen) -> MainScreen | None:
    return screen if isinstance(screen, MainScreen) and screen.query(ReportDetail) else None


def settled(screen: MainScreen) -> bool:
    window = screen.window
    if window.total is None or not quiet(screen.app):
        return False
    if window.total == 0:
        return True
    row = window.row(screen.table.cursor)
    return row is not None and screen.current is not None and screen.current.number == row.number


def showing(app: CrmApp, kind: type):
    return app.screen if isinstance(app.screen, kind) else None


async def done(pilot: Pilot) -> None:
    steady_cursors(pilot.app)
    await pilot.pause()


# --- connect and login ------------------------------------------------------------------------


class HeldRetry:
    """Stands in for `asyncio` in the connect screen: the wait before the next attempt is
    recorded and never ends, so the screen stays on its first attempt for the snapshot."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.Event().wait()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_server_unreachable(snap_compare, ui_language, monkeypatch, lang: str) -> None:
    """The connect screen once the server cannot be reached: the message, the address, attempt 1."""
    ui_language(lang)
    held = HeldRetry()
    monkeypatch.setattr(connect_screen, "asyncio", SimpleNamespace(sleep=held.sleep))
    app = CrmApp(Config(server=UNREACHABLE), credentials=("dispatcher", "dispatcher-demo"))

    async def unreachable(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConnectScreen) and held.delays, "the first retry wait")
        assert pilot.app.screen.has_class("-unreachable")
        await done(pilot)

    assert snap_compare(app, run_before=unreachable, terminal_size=SMALL)
    assert held.delays == [connect_screen.FIRST_RETRY_SECONDS]  # no second attempt before the snapshot


def test_login_screen(snap_compare, ui_language, fixed_server) -> None:
    ui_language("id")
    app = console(fixed_server, None)

    async def login(pilot: Pilot) -> None:
        screen = await until(pilot, lambda: showing(pilot.app, LoginScreen), "the login screen")
        await until(pilot, lambda: screen.focused is screen.query_one("#username"), "the username focused")
        await done(pilot)

    assert snap_compare(app, run_before=login, terminal_size=SMALL)


def test_login_screen_refused(snap_compare, ui_language, fixed_server) -> None:
    """A wrong password: the server's message, the username kept, the password cleared."""
    ui_language("en")
    app = console(fixed_server, None)

    async def refused(pilot: Pilot) -> None:
        screen = await until(pilot, lambda: showing(pilot.app, LoginScreen), "the login screen")
        await type_text(pilot, "officer")
        await pilot.press("enter")
        await type_text(pilot, "not-the-password")
        await pilot.press("enter")
        password = screen.query_one("#password", Input)
        await until(pilot, lambda: password.value == "" and quiet(pilot.app), "the refusal")
        assert screen.query_one("#username", Input).value == "officer"
        await done(pilot)

    assert snap_compare(app, run_before=refused, terminal_size=SMALL)


# --- the main screen --------------------------------------------------------------------------


def test_main_private_report(snap_compare, ui_language, fixed_server) -> None:
    """List and detail side by side; the newest report is private: the banner and the locked photo."""
    ui_language("id")

    async def ready(pilot: Pilot) -> None:
        screen = await main_screen(pilot)
        assert screen.current.private and screen.detail.photo.state == "locked"
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=ready, terminal_size=WIDE)


def test_main_photo_shown(snap_compare, ui_language, fixed_server) -> None:
    """The next report is not private: the non-private banner and its photo drawn in the pane."""
    ui_language("id")

    async def photo(pilot: Pilot) -> None:
        screen = await main_screen(pilot)
        first = screen.current.number
        await pilot.press("j")
        await until(pilot, lambda: settled(screen) and screen.current.number != first, "the second report")
        await until(pilot, lambda: screen.detail.photo.state == "shown", "its photo")
        assert not screen.current.private
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=photo, terminal_size=WIDE)


def test_main_photo_scrolled_into_view(snap_compare, ui_language, fixed_server) -> None:
    """Enter focuses the detail, PgDn brings the whole photo into view (half-block cells)."""
    ui_language("id")

    async def scrolled(pilot: Pilot) -> None:
        screen = await main_screen(pilot)
        first = screen.current.number
        await pilot.press("j")
        await until(pilot, lambda: settled(screen) and screen.current.number != first, "the second report")
        await until(pilot, lambda: screen.detail.photo.state == "shown", "its photo")
        await pilot.press("enter", "pagedown")
        detail = screen.detail
        await until(pilot, lambda: detail.has_focus and 0 < detail.scroll_y == detail.scroll_target_y, "scrolled")
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=scrolled, terminal_size=WIDE)


def test_main_80x24(snap_compare, ui_language, fixed_server) -> None:
    """80x24: list and detail stacked under the one-line header, the footer's keys below."""
    ui_language("id")

    async def ready(pilot: Pilot) -> None:
        await main_screen(pilot)
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=ready, terminal_size=SMALL)


def test_main_empty_list(snap_compare, ui_language, fixed_server) -> None:
    """A text filter that matches nothing: an empty list and the pane saying so."""
    ui_language("id")

    async def empty(pilot: Pilot) -> None:
        screen = await main_screen(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(pilot.app.screen, TextFilterDialog), "the search bar")
        await type_text(pilot, "zzzzqqq")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is screen and screen.window.total == 0 and quiet(pilot.app))
        assert "Tidak ada laporan yang cocok." in screen_text(pilot.app)
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=empty, terminal_size=WIDE)


def test_main_text_filter_bar(snap_compare, ui_language, fixed_server) -> None:
    """The search bar over the main screen at 80x24, something typed."""
    ui_language("id")

    async def typing(pilot: Pilot) -> None:
        await main_screen(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(pilot.app.screen, TextFilterDialog), "the search bar")
        await type_text(pilot, "air pam")
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=typing, terminal_size=SMALL)


def test_main_assign_dialog(snap_compare, ui_language, fixed_server) -> None:
    """`a` on the main screen: the agency's officers with their open workload, from the server."""
    ui_language("id")

    async def assign(pilot: Pilot) -> None:
        await main_screen(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, AssignDialog), "the assign dialog")
        await until(pilot, lambda: quiet_but_dialog(pilot.app), "the dialog settled")
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=assign, terminal_size=WIDE)


def test_main_close_dialog(snap_compare, ui_language, fixed_server) -> None:
    """`c` on the main screen at 80x24: the close form over the list."""
    ui_language("id")

    async def close(pilot: Pilot) -> None:
        await main_screen(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(pilot.app.screen, CloseDialog), "the close dialog")
        await until(pilot, lambda: quiet_but_dialog(pilot.app), "the dialog settled")
        await done(pilot)

    assert snap_compare(console(fixed_server), run_before=close, terminal_size=SMALL)


def quiet_but_dialog(app: CrmApp) -> bool:
    """Only the event stream and the write worker waiting on the open dialog still run."""
    return all(not worker.is_running for worker in app.workers if worker.group not in BACKGROUND_GROUPS | {"write"})

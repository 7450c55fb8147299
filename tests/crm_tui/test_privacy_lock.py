"""The idle privacy lock: Ctrl+L or N minutes without input cover the screen until the operator's
password is confirmed by the server; nothing underneath is lost, nothing of it shows."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Footer, Input, TextArea

from crm_tui.app import CrmApp
from crm_tui.config import Config, ConfigError, load_config
from crm_tui.idle import IdleClock, check_interval
from crm_tui.screens.lock_screen import LockScreen
from crm_tui.screens.login_screen import LoginScreen
from tests.crm_tui.harness import console, main_loaded, screen_text, type_text, until

TINY_IDLE_MINUTES = 0.02  # 1.2 s: keys every 0.2 s stay well inside it on a busy machine


pytestmark = pytest.mark.usefixtures("english_ui")


def _report_words(app: CrmApp) -> list[str]:
    """Text on the main screen that comes from reports and the signed-in operator."""
    screen = app.screen
    report = screen.current
    return [report.number, report.title[:20], "Sari Wulandari", "Kelurahan Cideng"]


async def _unlock(pilot, app: CrmApp, password: str = "dispatcher-demo") -> None:
    await type_text(pilot, password)
    await pilot.press("enter")
    await until(pilot, lambda: not app.locked, "unlocked")


async def test_ctrl_l_covers_the_report_and_only_the_password_opens_it(demo_server):
    async with console(demo_server) as (app, pilot):
        main = app.screen
        words = _report_words(app)
        assert all(word in screen_text(app) for word in words)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        await until(pilot, lambda: "Screen locked" in screen_text(app), "the lock screen drawn")
        text = screen_text(app)
        assert not [word for word in words if word in text]
        assert not app.screen.query(Footer) and "Assign" not in text and "Note" not in text

        app.notify(f"{words[0]} assigned to Rina Marlina")  # a toast raised while locked stays hidden
        await pilot.pause()
        assert words[0] not in screen_text(app)

        # Keys of the app and of the screen underneath do nothing.
        for key in ("ctrl+q", "ctrl+p", "ctrl+c", "q", "question_mark", "escape", "ctrl+l"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, LockScreen), key
        assert app.screen.query_one("#password", Input).value == "q?"  # typed into the password only

        app.screen.query_one("#password", Input).value = ""
        await type_text(pilot, "not-my-password")
        await pilot.press("enter")
        await until(pilot, lambda: "Wrong password" in app.screen.error_text, "the refusal")
        assert app.locked and app.screen.query_one("#password", Input).value == ""

        await _unlock(pilot, app)
        assert app.screen is main
        await until(pilot, lambda: all(word in screen_text(app) for word in words), "the report again")


@pytest.mark.slow
async def test_the_console_locks_itself_after_the_idle_minutes_and_input_keeps_it_open(demo_server):
    # Not waiting for the first page: with so short a threshold the lock may come first.
    async with console(demo_server, wait=False, idle_lock_minutes=TINY_IDLE_MINUTES) as (app, pilot):
        await until(pilot, lambda: app.locked, "the idle lock", timeout=20)
        await _unlock(pilot, app)
        # From here the idle clock is the test's: a busy machine's pauses do not count as idle.
        now = [0.0]
        app.idle = IdleClock(lambda: now[0])
        threshold = TINY_IDLE_MINUTES * 60
        # Input in time keeps it open: each key comes 0.8 of the threshold after the one before,
        # so ten of them span eight thresholds ...
        for key in ["j", "k"] * 5:
            await pilot.press(key)
            now[0] += 0.8 * threshold
            await asyncio.sleep(2 * check_interval(threshold))  # the lock looks at the clock
            assert not app.locked
        # ... and it locks again once the input stops.
        now[0] += 0.2 * threshold
        await until(pilot, lambda: app.locked, "the idle lock again", timeout=20)


@pytest.mark.slow
async def test_locking_keeps_what_was_typed_in_a_dialog(demo_server):
    async with console(demo_server) as (app, pilot):
        await pilot.press("n")
        await until(pilot, lambda: app.screen.query("#note"), "the note dialog")
        dialog = app.screen
        await type_text(pilot, "Warga minta [b]dicek ulang")
        await pilot.press("enter")
        await type_text(pilot, "besok pagi")
        typed = dialog.query_one("#note", TextArea).text
        assert typed == "Warga minta [b]dicek ulang\nbesok pagi"
        await pilot.press("ctrl+l")  # from inside the text area
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        await until(pilot, lambda: "Screen locked" in screen_text(app), "the lock screen drawn")
        assert "dicek ulang" not in screen_text(app) and "Note on" not in screen_text(app)
        await _unlock(pilot, app)
        assert app.screen is dialog
        assert dialog.query_one("#note", TextArea).text == typed
        await type_text(pilot, " juga")  # the dialog carries on where it was
        assert dialog.query_one("#note", TextArea).text == typed + " juga"


async def test_in_demo_mode_any_key_unlocks_and_does_nothing_else(demo_server):
    app = CrmApp(Config(server=demo_server.base_url), credentials=("dispatcher", "dispatcher-demo"), demo=True)
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: main_loaded(app), "the main screen")
        main = app.screen
        assert app.lock()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and not app.screen.query(Input)
        await pilot.press("question_mark")  # help, were it not the unlocking key
        await until(pilot, lambda: not app.locked, "unlocked")
        await pilot.pause()
        assert app.screen is main


async def test_nothing_to_lock_before_sign_in(demo_server):
    async with console(demo_server, None, idle_lock_minutes=TINY_IDLE_MINUTES) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        await pilot.press("ctrl+l")
        await asyncio.sleep(1.0)
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and not app.locked


@pytest.mark.slow
async def test_the_lock_says_when_the_server_refuses_more_attempts(make_server):
    # A server of its own: the wrong passwords throttle the dispatcher's sign-in on the server,
    # which every other test signs in as.
    server = make_server(reports=20)
    async with console(server) as (app, pilot):
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        for attempt in range(10):
            await type_text(pilot, "guess")
            await pilot.press(str(attempt), "enter")
            await until(pilot, lambda: "Wrong password" in app.screen.error_text, f"refusal {attempt}")
            app.screen.query_one("#error").update("")
        await type_text(pilot, "guess")
        await pilot.press("enter")
        await until(pilot, lambda: "Too many attempts: wait" in app.screen.error_text, "the wait")
        assert app.locked


def test_idle_lock_minutes_from_file_environment_and_flag(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("idle_lock_minutes = 2\ncopy_private = true\n")
    environ = {"CRM_TUI_CONFIG": str(path)}
    config = load_config(environ=environ)
    assert (config.idle_lock_minutes, config.copy_private) == (2.0, True)
    environ["CRM_TUI_IDLE_LOCK_MINUTES"] = "0.5"
    assert load_config(environ=environ).idle_lock_minutes == 0.5
    assert load_config(environ=environ, idle_lock_minutes=0).idle_lock_minutes == 0
    defaults = load_config(environ={"CRM_TUI_CONFIG": str(tmp_path / "absent.toml")})
    assert (defaults.idle_lock_minutes, defaults.copy_private) == (5.0, False)


@pytest.mark.parametrize("text", ["idle_lock_minutes = -1\n", 'idle_lock_minutes = "soon"\n', 'copy_private = "yes"\n'])
def test_bad_lock_and_copy_settings_are_refused(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError):
        load_config(environ={"CRM_TUI_CONFIG": str(path)})


def test_the_idle_clock_counts_from_the_last_input():
    from crm_tui.idle import IdleClock, check_interval

    now = [100.0]
    clock = IdleClock(lambda: now[0])
    now[0] += 30
    assert clock.idle_for() == 30
    clock.touch()
    now[0] += 2
    assert clock.idle_for() == 2
    assert check_interval(300) == 5.0 and check_interval(0.6) == pytest.approx(0.15) and check_interval(0.01) == 0.05


@pytest.mark.slow
async def test_a_screen_asked_for_while_locked_waits_under_the_lock(demo_server):
    """A worker that finishes under the lock (here: the assign dialog after its officers
    arrived) must not draw its screen over the lock; it appears once unlocked."""
    from crm_tui.dialogs.assign_dialog import AssignDialog

    async with console(demo_server, "supervisor") as (app, pilot):
        main = app.screen
        await until(pilot, lambda: main.check_action("assign", ()) is True, "an assignable report")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        main.action_assign()  # as if `a` had been pressed just before the lock
        await until(pilot, lambda: app._after_unlock, "the dialog held back")
        await pilot.pause(0.3)
        assert isinstance(app.screen, LockScreen)
        assert not any(isinstance(screen, AssignDialog) for screen in app.screen_stack)
        await _unlock(pilot, app, "supervisor-demo")
        await until(pilot, lambda: isinstance(app.screen, AssignDialog), "the dialog after unlocking")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "back on the main screen")


def _token_works(server, token: str) -> bool:
    status = server.me_status(token)
    assert status in (200, 401), status
    return status == 200


async def test_unlocking_revokes_the_token_it_replaces_and_quitting_the_last_one(demo_server):
    async with console(demo_server) as (app, pilot):
        before = app.client.token
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
        await _unlock(pilot, app)
        after = app.client.token
        assert after != before
        assert not _token_works(demo_server, before) and _token_works(demo_server, after)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "the console to quit")
    assert not _token_works(demo_server, after)

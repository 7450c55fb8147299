"""Keys: remappable through the config, shown where they apply, with a help screen."""

from __future__ import annotations

from textual import events
from textual.screen import Screen

from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.help_screen import HelpScreen
from tests.crm_tui.harness import console, screen_text, until


async def test_a_remapped_key_does_the_action_and_the_old_one_no_longer(demo_server):
    async with console(demo_server, "supervisor", keymap={"main.assign": "x"}) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.check_action("assign", ()) is True, "an assignable report")
        await pilot.press("a")
        await pilot.pause(0.5)
        assert not isinstance(app.screen, AssignDialog)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, AssignDialog), "the assign dialog on x")


async def test_help_lists_binding_ids_with_their_keys(demo_server):
    async with console(demo_server) as (app, pilot):
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        text = screen_text(app)
        for binding_id in ("main.assign", "main.close", "main.refresh"):
            assert binding_id in text
        await pilot.press("ctrl+end")  # the table scrolls to its last rows: the list's own keys
        await until(pilot, lambda: "report_table.cursor_down" in screen_text(app), "the list's keys")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_keys_that_do_not_apply_are_hidden_or_greyed(demo_server):
    async with console(demo_server, "officer") as (app, pilot):
        screen = app.screen
        assert screen.check_action("assign", ()) is False  # an officer never routes
    async with console(demo_server, "dispatcher") as (app, pilot):
        screen = app.screen
        assert screen.check_action("claim", ()) is False  # a dispatcher never claims
        from api_client.query import ReportQuery

        screen.set_query(ReportQuery(status=("Selesai",)))
        await until(pilot, lambda: screen.current is not None and screen.current.status == "Selesai")
        assert screen.check_action("close_report", ()) is None  # greyed: already closed
        assert screen.check_action("assign", ()) is None


async def test_english_interface_keeps_the_indonesian_banner(demo_server, english_ui):
    from widgets.privacy_banner import PRIVATE_GLOSS, PRIVATE_TEXT, PUBLIC_GLOSS, PUBLIC_TEXT, PrivacyBanner

    async with console(demo_server) as (app, _pilot):
        report = app.screen.current
        rendered = app.screen.query_one(PrivacyBanner).render().plain
        expected = f"{PRIVATE_TEXT}\n{PRIVATE_GLOSS}" if report.private else f"{PUBLIC_TEXT}\n{PUBLIC_GLOSS}"
        assert rendered == expected
        assert "reports" in screen_text(app)


async def test_keys_typed_right_after_quit_do_nothing(demo_server):
    async with console(demo_server) as (app, pilot):
        pushed: list[Screen] = []
        push_screen = app.push_screen

        def recorded(screen: Screen, *args: object, **kwargs: object) -> object:
            pushed.append(screen)
            return push_screen(screen, *args, **kwargs)

        app.push_screen = recorded
        # All in the queue at once, as when they arrive in one read from the terminal: `pilot.press`
        # would let each key's handling finish before sending the next.
        for key, char in (("q", "q"), ("s", "s"), ("f", "f"), ("slash", "/"), ("colon", ":")):
            app.post_message(events.Key(key, char))
        await until(pilot, lambda: not app.is_running, "the console to quit")
    assert app.return_code == 0 and app.incident is None
    assert pushed == []

"""Toasts carry text from officers and servers: never markup, never escapes."""

from __future__ import annotations

from tests.crm_tui.harness import console, screen_text, until

HOSTILE = "[@click=app.quit]klik[/] [/bold] \x1b]0;pwned\x07 done"


async def test_a_toast_shows_markup_literally_and_runs_nothing(demo_server):
    async with console(demo_server) as (app, pilot):
        quits = []
        app.action_quit = lambda: quits.append(True)  # a live @click would call this
        app.notify(HOSTILE, title="[b]x[/b")
        await until(pilot, lambda: "[@click=app.quit]klik[/]" in screen_text(app), "the toast")
        text = screen_text(app)
        assert "[/bold]" in text and "\x1b" not in text and "\x07" not in text
        toast = app.screen.query_one("Toast")
        await pilot.click(toast)
        assert app.is_running and not quits

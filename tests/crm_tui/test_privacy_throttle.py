"""Sign-in throttling as the operator sees it: after the server's 10 failures for a username,
the login screen says how long to wait (the server's 429 and Retry-After)."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input

from crm_tui.screens.login_screen import LoginScreen
from tests.crm_tui.harness import console, screen_text, sign_in_ready, type_text, until

USERNAME = "throttle-probe"  # a name of this test's own: the shared server counts per username


@pytest.mark.slow
async def test_the_login_screen_shows_the_wait_after_ten_failures(demo_server, english_ui):
    async with console(demo_server, None) as (app, pilot):
        await until(pilot, lambda: sign_in_ready(app), "the login screen")
        await type_text(pilot, USERNAME)
        await pilot.press("enter")
        password = app.screen.query_one("#password", Input)
        for attempt in range(10):
            await type_text(pilot, f"guess-{attempt}")
            await pilot.press("enter")
            await until(pilot, lambda: password.value == "", f"refusal {attempt + 1}")  # cleared when refused
            assert "Wrong username or password" in screen_text(app)
        await type_text(pilot, "guess-10")
        await pilot.press("enter")
        await until(pilot, lambda: "Too many attempts" in screen_text(app), "the wait")
        seconds = int(re.search(r"Too many attempts: wait (\d+) s\.", screen_text(app)).group(1))
        assert 1 <= seconds <= 300
        assert isinstance(app.screen, LoginScreen) and app.is_running

"""The header follows the last outcome of the console's calls, and what failed while the server
was away reloads by itself once it answers; an ended session signs in again wherever a call
finds it. The real console against the real server, faults injected by a transport."""

from __future__ import annotations

import httpx
import pytest

from api_client import CrmClient
from crm_tui.dialogs.assign_dialog import AssignDialog
from crm_tui.dialogs.filter_dialog import FilterDialog
from crm_tui.screens.login_screen import LoginScreen
from tests.crm_tui import faults
from tests.crm_tui.harness import console, screen_text, type_text, until


async def test_one_timeout_says_offline_and_the_first_success_online_again(demo_server, english_ui):
    transport = faults.Faults()
    client = CrmClient(demo_server.base_url, transport=transport)
    async with console(demo_server, client=client) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.header.connection == "online", "online")
        second = screen.window.row(1).number
        answers_again = transport.time_out(faults.report_get(second))
        await pilot.press("j")
        await until(pilot, lambda: screen.header.connection == "offline", "offline after the timeout")
        assert "offline" in screen_text(app)
        answers_again()
        # Nothing is pressed: the next call that reaches the server (the console's own probe)
        # says online again, and the detail that failed loads.
        await until(pilot, lambda: screen.header.connection == "online", "online again", timeout=10)
        await until(pilot, lambda: screen.current.number == second, "the detail loaded")
        assert "online" in screen_text(app)


@pytest.mark.slow
async def test_refresh_during_an_outage_keeps_the_list_and_reloads_it_once_back(make_server, english_ui):
    # A server of its own: this test stops and restarts it.
    server = make_server(reports=60)
    async with console(server) as (app, pilot):
        screen = app.screen
        listed = screen.window
        shown = screen.current.number
        server.stop()
        await pilot.press("r")
        await until(pilot, lambda: screen.header.connection == "offline", "offline")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Loading reports" not in text and shown in text  # the list and detail as they were
        assert screen.window is listed and screen.current.number == shown
        server.start()
        # No key: the list (and the detail) load again by themselves.
        await until(pilot, lambda: screen.window is not listed and screen.window.total, "the list reloaded", timeout=40)
        assert screen.header.connection == "online"
        assert screen.highlighted.number == shown  # the cursor stayed on its report


async def test_an_ended_session_signs_in_again_for_any_call_and_carries_it_out(demo_server, english_ui):
    # The live stream is held: a server ends a signed-out token's stream at once, and the console
    # would then ask to sign in by itself, before the key (and the key would go to that sign-in).
    # Here the call the key makes is what finds the session ended.
    transport = faults.Faults()
    transport.stall(faults.events)
    client = CrmClient(demo_server.base_url, transport=transport)
    async with console(demo_server, "supervisor", client=client) as (app, pilot):
        screen = app.screen
        await until(pilot, lambda: screen.check_action("assign", ()) is True, "an assignable report")
        for key, dialog in (("f", FilterDialog), ("a", AssignDialog)):
            # The session ends on the server (as an expiry would).
            httpx.post(
                f"{demo_server.base_url}/api/v1/auth/logout",
                headers={"Authorization": f"Bearer {app.client.token}"},
                timeout=10,
            )
            await pilot.press(key)
            login = await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen, "the sign-in")
            await type_text(pilot, "supervisor-demo")
            await pilot.press("enter")
            await until(
                pilot, lambda dialog=dialog: isinstance(app.screen, dialog), f"{dialog.__name__} after signing in"
            )
            assert login not in app.screen_stack
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, "back on the main screen")

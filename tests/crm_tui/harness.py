"""Drive the real console against the real server, by keys."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from textual.pilot import Pilot

from api_client import CrmClient
from crm_tui.app import CrmApp
from crm_tui.config import Config
from crm_tui.textual_internals import key_event, screen_strips
from tests.support.server import DEMO_PASSWORD_SUFFIX

WAIT_SECONDS = 20.0


async def until(pilot: Pilot, predicate: Callable[[], object], what: str = "", timeout: float = WAIT_SECONDS):
    """Let the app run until `predicate()` is truthy (workers and messages progress meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await pilot.pause(0.05)
    shown = "\n".join(line.rstrip() for line in screen_text(pilot.app).splitlines() if line.strip())
    raise AssertionError(f"timed out waiting for {what or predicate}; the screen shows:\n{shown}")


async def type_text(pilot: Pilot, text: str) -> None:
    """Types `text` into what has the focus as a quick typist (or a paste) does: each character
    its own key event, in order, as Pilot.press names it, with no wait for the screen between
    them (Pilot.press waits for the app to go idle after every key); then waits once. For text
    only: a key that moves the focus (enter, tab) goes through Pilot.press, so that what follows
    it lands where the operator would see the cursor."""
    for character in text:
        pilot.app.post_message(key_event(character))
    await pilot.pause()


def screen_text(app: CrmApp) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in screen_strips(app))


def toasts(app: CrmApp) -> str:
    """The toasts' text as drawn."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def sign_in_ready(app: CrmApp) -> bool:
    """The sign-in screen is up and takes keys: one of its fields has the focus (keys pressed
    before its mount would go nowhere)."""
    screen = app.screen
    return type(screen).__name__ == "LoginScreen" and screen.focused is not None


def main_loaded(app: CrmApp) -> bool:
    screen = app.screen
    return (
        type(screen).__name__ == "MainScreen"
        and screen.window.total is not None
        and (screen.window.total == 0 or screen.current is not None)
    )


@asynccontextmanager
async def console(
    server,
    username: str | None = "dispatcher",
    *,
    size: tuple[int, int] = (120, 32),
    clock: Callable[[], datetime] | None = None,
    wait: bool = True,
    client: CrmClient | None = None,
    **config: object,
) -> AsyncIterator[tuple[CrmApp, Pilot]]:
    """The console signed in as `username` (demo password) on `server`; `client`: one of the
    test's own (over a transport that injects faults)."""
    credentials = (username, username + DEMO_PASSWORD_SUFFIX) if username else None
    kwargs: dict[str, object] = {"clock": clock} if clock else {}
    if client is not None:
        kwargs["client"] = client
    url = server.base_url if server else "http://127.0.0.1:9"
    app = CrmApp(Config(server=url, **config), credentials=credentials, **kwargs)
    async with app.run_test(size=size, notifications=True) as pilot:
        if wait and username:
            await until(pilot, lambda: main_loaded(app), "the main screen with its first page")
        yield app, pilot

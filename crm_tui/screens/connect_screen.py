"""The first screen: reach the server (retrying with backoff), then sign in."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from api_client import CrmApiError, RateLimited, Unauthorized
from crm_tui.host import console_host
from crm_tui.screens.login_screen import sign_in_error
from widgets.i18n import Texts
from widgets.safe_text import line

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0

TEXTS = Texts(
    id={
        "connecting": "Menghubungkan ke server CRM…",
        "unreachable": "Server CRM tidak dapat dihubungi",
        "retry": "Mencoba lagi dalam {seconds} detik (percobaan ke-{attempt}).",
        "signing_in": "Masuk sebagai {user}…",
        "quit_hint": "Tekan {quit_key} untuk keluar.",
        "quit": "Keluar",
    },
    en={
        "connecting": "Connecting to the CRM server…",
        "unreachable": "The CRM server cannot be reached",
        "retry": "Trying again in {seconds} s (attempt {attempt}).",
        "signing_in": "Signing in as {user}…",
        "quit_hint": "Press {quit_key} to quit.",
        "quit": "Quit",
    },
)


class ConnectScreen(Screen[None]):
    """Never a traceback: an unreachable server is a message and a countdown, until it answers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", TEXTS("quit"), id="connect.quit")]

    DEFAULT_CSS = """
    ConnectScreen { align: center middle; }
    ConnectScreen > Vertical { width: auto; height: auto; max-width: 100%; }
    ConnectScreen Static { width: auto; text-align: center; }
    ConnectScreen #title { text-style: bold; }
    ConnectScreen.-unreachable #title { color: $error; }
    ConnectScreen #server, ConnectScreen #detail, ConnectScreen #hint { color: $foreground-muted; }
    ConnectScreen #hint { display: none; }
    ConnectScreen.-unreachable #hint { display: block; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():  # title, server and countdown together in the middle of the screen
            yield Static(Content(TEXTS("connecting")), id="title")
            yield Static(Content(line(console_host(self).client.base_url)), id="server")
            yield Static("", id="detail")
            # While it retries, the way out: the screen has no footer to show the key.
            yield Static("", id="hint")

    def on_mount(self) -> None:
        self.connect()

    def _quit_key(self) -> str:
        """The key that quits here, as the keymap has it ("q" unless remapped)."""
        for active in self.active_bindings.values():
            if active.binding.id == "connect.quit":
                return self.app.get_key_display(active.binding)
        return "q"

    def _say(self, title: str, detail: str = "") -> None:
        self.query_one("#title", Static).update(Content(title))
        self.query_one("#detail", Static).update(Content(detail))

    @work(exclusive=True, group="connect")
    async def connect(self) -> None:
        """Reach the server, then sign in: with the credentials the console was given (kiosks,
        the demo), else on the login screen. With credentials, the sign-in is the first call:
        it finds the server reachable as a health check would, one round trip sooner."""
        host = console_host(self)
        credentials = host.credentials
        delay, attempt = FIRST_RETRY_SECONDS, 1
        while True:
            try:
                if credentials is None:
                    await host.client.health()
                    break
                username, password = credentials
                if not self.has_class("-unreachable"):
                    self._say(TEXTS("signing_in", user=line(username)))
                asked = host.first_sign_in()  # the first try, asked for as the console started
                session = await (asked if asked is not None else host.client.login(username, password))
                break
            except (Unauthorized, RateLimited) as exc:  # from the sign-in, or a throttled health check
                host.show_login(error=sign_in_error(exc), username=credentials[0] if credentials else None)
                return
            except CrmApiError:
                self.add_class("-unreachable")
                self.query_one("#hint", Static).update(Content(TEXTS("quit_hint", quit_key=self._quit_key())))
                # The title says what happened in the operator's language; the client's own
                # message (English) would only repeat it.
                self._say(TEXTS("unreachable"), TEXTS("retry", seconds=int(delay), attempt=attempt))
                await asyncio.sleep(delay)
                delay, attempt = min(delay * 2, MAX_RETRY_SECONDS), attempt + 1
        self.remove_class("-unreachable")
        if credentials is None:
            host.show_login()
            return
        host.open_main(session)

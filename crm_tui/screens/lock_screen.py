"""The privacy lock: covers the console while the operator is away, until they sign in again.

A `Screen`, not a `ModalScreen`: Textual draws a plain screen alone, so nothing of the screens
underneath (the report, the list, an open dialog) reaches the terminal, and they keep their
state (a half-typed note is still there after unlocking). No footer (it would list the report
actions), no toasts (they can carry report numbers and names). While it is up the app refuses
every action of its own (`CrmApp.check_action`), so the only keys that do anything are the
password's.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from api_client import CrmApiError, RateLimited, Unauthorized
from crm_tui.error_messages import describe
from crm_tui.host import console_host
from widgets.i18n import Texts
from widgets.safe_text import line

TEXTS = Texts(
    id={
        "title": "Layar terkunci",
        "prompt": "Ketik kata sandi {user} lalu Enter untuk membuka.",
        "demo": "Mode demo: tekan tombol apa saja untuk membuka.",
        "password": "Kata sandi",
        "busy": "Memeriksa…",
        "empty": "Ketik kata sandi.",
        "wrong": "Kata sandi salah.",
        "wait": "Terlalu banyak percobaan: tunggu {seconds} detik.",
    },
    en={
        "title": "Screen locked",
        "prompt": "Type the password of {user} and press Enter to unlock.",
        "demo": "Demo mode: press any key to unlock.",
        "password": "Password",
        "busy": "Checking…",
        "empty": "Type the password.",
        "wrong": "Wrong password.",
        "wait": "Too many attempts: wait {seconds} s.",
    },
)


class LockScreen(Screen[None]):
    """Dismissed once `username`'s password is confirmed by the server (any key when `demo`)."""

    AUTO_FOCUS = "#password"

    DEFAULT_CSS = """
    LockScreen { align: center middle; background: $background; }
    LockScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $primary; padding: 1 2; background: $surface;
    }
    LockScreen #title { text-style: bold; margin-bottom: 1; }
    LockScreen #error { color: $text-error; height: auto; }
    /* No toasts: the app's notifications wait under the lock. (Textual shows and hides the
       screen's ToastRack itself, so it is the toasts in it that are hidden.) */
    LockScreen Toast { display: none; }
    """

    def __init__(self, username: str, *, demo: bool = False) -> None:
        super().__init__()
        self.username = username
        self.demo = demo

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(TEXTS("title")), id="title")
            if self.demo:
                yield Static(Content(TEXTS("demo")), id="prompt")
            else:
                yield Static(Content(TEXTS("prompt", user=line(self.username, max_chars=64))), id="prompt")
                yield Input(placeholder=TEXTS("password"), password=True, id="password", max_length=1024)
            yield Static(Content(""), id="error")

    @property
    def error_text(self) -> str:
        return str(self.query_one("#error", Static).render())

    def _show_error(self, text: str) -> None:
        self.query_one("#error", Static).update(Content(line(text)))

    def on_key(self, event: events.Key) -> None:
        if self.demo:
            event.stop()
            event.prevent_default()
            self.dismiss(None)

    @on(Input.Submitted, "#password")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self._show_error(TEXTS("empty"))
            return
        self._show_error(TEXTS("busy"))
        self.verify(event.value)

    @work(exclusive=True, group="unlock")
    async def verify(self, password: str) -> None:
        """The server decides: a sign-in as the same operator (which also refreshes the token,
        revoking the one before, and counts against the server's throttle like any failed
        sign-in)."""
        password_input = self.query_one("#password", Input)
        try:
            await console_host(self).client.login(self.username, password, revoke_previous=True)
        except RateLimited as exc:
            password_input.value = ""
            self._show_error(TEXTS("wait", seconds=int(exc.retry_after or 30)))
            return
        except Unauthorized:
            password_input.value = ""
            self._show_error(TEXTS("wrong"))
            return
        except CrmApiError as exc:
            self._show_error(describe(exc))
            return
        self.dismiss(None)

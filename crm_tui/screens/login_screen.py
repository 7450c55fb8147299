"""Sign-in: username and a masked password. Also pushed over the main screen when a session
expires, so nothing on the screen underneath is lost."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from api_client import CrmApiError, RateLimited, Unauthorized
from api_client.models import Session
from crm_tui.error_messages import describe
from crm_tui.host import console_host
from widgets.i18n import Texts
from widgets.safe_text import line

TEXTS = Texts(
    id={
        "title": "Masuk ke CRM",
        "again": "Sesi berakhir: masuk lagi untuk melanjutkan",
        "username": "Nama pengguna",
        "password": "Kata sandi",
        "hint": "Enter untuk masuk · Tab pindah kolom",
        "busy": "Memeriksa…",
        "empty": "Isi nama pengguna dan kata sandi.",
        "wait": "Terlalu banyak percobaan: tunggu {seconds} detik.",
        "refused": "Nama pengguna atau kata sandi salah.",
        "quit": "Keluar",
    },
    en={
        "title": "Sign in to the CRM",
        "again": "Session ended: sign in again to carry on",
        "username": "Username",
        "password": "Password",
        "hint": "Enter to sign in · Tab to move",
        "busy": "Checking…",
        "empty": "Enter a username and a password.",
        "wait": "Too many attempts: wait {seconds} s.",
        "refused": "Wrong username or password.",
        "quit": "Quit",
    },
)


def sign_in_error(error: CrmApiError) -> str:
    """What a failed sign-in says, in the operator's language where the case is known."""
    if isinstance(error, RateLimited):
        return TEXTS("wait", seconds=int(error.retry_after or 30))
    if isinstance(error, Unauthorized):
        return TEXTS("refused")
    return describe(error)


class LoginScreen(Screen[Session]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", TEXTS("quit"), id="login.quit")]
    # Focused as the screen is composed: focused later (on mount), the username had the focus for
    # a moment, its text selected, and a password typed then replaced the username.
    AUTO_FOCUS = "Input.-first"

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical {
        width: 60; max-width: 100%; height: auto;
        border: round $primary; padding: 1 2; background: $surface;
    }
    LoginScreen #title { text-style: bold; margin-bottom: 1; }
    LoginScreen #error { color: $error; height: auto; }
    LoginScreen #hint { color: $foreground-muted; }
    """

    def __init__(self, *, error: str | None = None, username: str | None = None, again: bool = False) -> None:
        super().__init__()
        self._error = error
        self._username = username or ""
        self._again = again

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(TEXTS("again" if self._again else "title")), id="title")
            named = bool(self._username)  # then the password is the field to type in first
            yield Input(
                self._username,
                placeholder=TEXTS("username"),
                id="username",
                max_length=64,
                classes="" if named else "-first",
            )
            yield Input(
                placeholder=TEXTS("password"),
                password=True,
                id="password",
                max_length=1024,
                classes="-first" if named else "",
            )
            yield Static(Content(line(self._error) if self._error else ""), id="error")
            yield Static(Content(TEXTS("hint")), id="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self._show_error(TEXTS("empty"))
            return
        self._show_error(TEXTS("busy"))
        self.sign_in(username, password)

    def _show_error(self, text: str) -> None:
        self.query_one("#error", Static).update(Content(line(text)))

    @work(exclusive=True, group="login")
    async def sign_in(self, username: str, password: str) -> None:
        try:
            session = await console_host(self).client.login(username, password)
        except CrmApiError as exc:
            if not isinstance(exc, RateLimited):
                self.query_one("#password", Input).value = ""
            self._show_error(sign_in_error(exc))
            return
        if self._again:
            self.dismiss(session)
        else:
            console_host(self).open_main(session)

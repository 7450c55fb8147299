"""The console application: one long-lived API client, the screens, the keymap, and the ways
out of the console that it closes (crash output, screenshots, the clipboard, the idle lock)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import anyio
from rich.console import Console, RenderableType
from rich.text import Text
from textual import events, work
from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import WorkerFailed

from api_client import CrmClient
from api_client.errors import CrmApiError
from api_client.models import Category, ReportPage, ReportSummary, Session, StreamStatus
from api_client.models import prepare as prepare_models
from api_client.query import ReportQuery
from crm_tui.api_calls import ApiCalls, ConnectionState
from crm_tui.config import Config
from crm_tui.crash import EXIT_CRASH, Incident, loop_error_handler, record_crash
from crm_tui.garbage_collection import START_SECONDS, pause_for_start
from crm_tui.idle import IdleClock, check_interval
from crm_tui.photo_mode import cell_pixels, in_tmux, photo_mode
from crm_tui.report_window import PAGE_SIZE
from crm_tui.sixel_painter import SixelPainter
from crm_tui.textual_internals import HookedApp, Span
from crm_tui.views import starting_view
from widgets.i18n import Texts
from widgets.photo_renderers import HalfBlockRenderer, KittyRenderer, PhotoRenderer, SixelRenderer
from widgets.safe_text import block

TEXTS = Texts(
    id={
        "palette": "Perintah",
        "quit": "Keluar",
        "lock": "Kunci layar",
        "no_screenshot": "Tangkapan layar dimatikan di konsol ini.",
        "no_copy": "Tidak disalin: laporan bersifat privasi sedang ditampilkan.",
    },
    en={
        "palette": "Commands",
        "quit": "Quit",
        "lock": "Lock screen",
        "no_screenshot": "Screenshots are turned off in this console.",
        "no_copy": "Not copied: a private report is on screen.",
    },
)

T = TypeVar("T")

SIGN_OUT_SECONDS = 1.0  # the most quitting waits for the server to revoke the token
PROBE_FIRST_SECONDS = 1.0  # offline: the first health probe, then backing off
PROBE_MAX_SECONDS = 15.0

# Textual's own palette commands that would carry the screen out of the console.
_HIDDEN_SYSTEM_COMMANDS = frozenset({"Screenshot"})


def private_report_shown(screens: Iterable[Screen]) -> bool:
    """Whether any screen in the stack shows (or has highlighted) a private report."""
    for screen in screens:
        for name in ("current", "highlighted"):
            report = getattr(screen, name, None)
            if isinstance(report, ReportSummary) and report.private:
                return True
    return False


def asked_now(call: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    """A call to the server started now, for a screen to take its answer later."""
    answer = asyncio.ensure_future(call)
    # Retrieved even if no screen takes it (the console quit meanwhile): else asyncio would
    # report an error nobody awaited.
    answer.add_done_callback(lambda done: done.cancelled() or done.exception())
    return answer


def utc_now() -> datetime:
    return datetime.now(UTC)


class CrmApp(HookedApp[None]):
    """Keyboard only, 80x24 and up, 16 colours or none. Ctrl+P (the command palette) is kept."""

    TITLE = "CRM"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", TEXTS("quit"), id="app.quit", show=False),
        # Priority: locks from inside a dialog's text area too.
        Binding("ctrl+l", "lock", TEXTS("lock"), id="app.lock", show=False, priority=True),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+q | app.quit | Quit. |
    | ctrl+l | app.lock | Lock the screen until the password is typed again. |
    | ctrl+p | (Textual) | The command palette. |
    """

    connection: reactive[ConnectionState] = reactive("online", init=False)
    """Whether the server answers, as the last call or the event stream found (see `ApiCalls`)."""

    def __init__(
        self,
        config: Config,
        *,
        client: CrmClient | None = None,
        credentials: tuple[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        lock_glyph: str = "🔒",
        demo: bool = False,
    ) -> None:
        super().__init__()
        # What Textual prints after leaving the alternate screen (our incident line): plain, and
        # never wrapped by Rich, so the log path stays one piece to copy.
        self.error_console = Console(markup=False, highlight=False, emoji=False, stderr=True, soft_wrap=True)
        self.config = config
        self.client = client or CrmClient(config.server, verify=config.ca_bundle or True)
        if credentials is None and config.username and config.password:
            credentials = (config.username, config.password)
        self.credentials = credentials
        self.api = ApiCalls(
            sign_in_again=self.sign_in_again, set_state=self._set_connection, session=lambda: self.client.token
        )
        """Every screen's calls to the server go through it (signing in again, the connection)."""
        self._sign_in: asyncio.Future[bool] | None = None
        self._asked_sign_in: asyncio.Future[Session] | None = None  # see `first_sign_in`
        self._resume_collection: Callable[[], None] = lambda: None  # see `on_load`
        self.now = clock
        self.lock_glyph = lock_glyph
        self.demo = demo  # the idle lock opens with any key
        self.idle = IdleClock()
        self._after_unlock: list[Callable[[], object]] = []  # screens asked for while locked
        self._after_frame: list[Callable[[], object]] = []  # see `call_after_frame`
        self.operator_username: str | None = None  # set once signed in: the lock asks for their password
        self.incident: Incident | None = None  # the first unexpected error, once logged
        # Set by `exit`: keys already typed after `q` (and screens workers ask for) then do
        # nothing, rather than open a dialog on a console that is taking its screens down.
        self.exiting = False
        self._running_loop: asyncio.AbstractEventLoop | None = None  # see `exit_soon`
        self._categories: list[Category] | None = None
        self.sixel_painter: SixelPainter | None = None  # once a photo panel draws sixel
        self.animation_level = "none"
        if config.theme in self.available_themes:
            self.theme = config.theme

    def on_load(self) -> None:
        self._resume_collection = pause_for_start()  # resumed by a timer (on_mount), or on unmount
        # Signing in is what the console waits for first, and the server takes its time over it
        # (it hashes the password): asked for before the first screen is built and drawn, so
        # that the server checks the password meanwhile. The connect screen takes the answer.
        if self.credentials is not None:
            self._asked_sign_in = asked_now(self.client.login(*self.credentials))

    def first_sign_in(self) -> Awaitable[Session] | None:
        """The sign-in asked for as the console started (once; None after, or without credentials)."""
        asked, self._asked_sign_in = self._asked_sign_in, None
        return asked

    def on_mount(self) -> None:
        self.set_timer(START_SECONDS, self._resume_collection, name="collector paused for the start")
        self._running_loop = asyncio.get_running_loop()
        self._running_loop.set_exception_handler(loop_error_handler(self.config.log_dir))
        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        if self.config.idle_lock_minutes > 0:
            self.set_interval(check_interval(self.idle_lock_seconds), self._lock_if_idle, name="idle lock")
        from crm_tui.screens.connect_screen import ConnectScreen

        self.push_screen(ConnectScreen())
        # Drawn, and signing in: the wait for the server's answer loads what comes next.
        self.call_after_frame(self.prepare_main)

    def exit_soon(self, return_code: int) -> bool:
        """Exit with `return_code`, asked from a signal handler: it runs between two steps of the
        loop's work, so the exit is only scheduled. False if the app is not running."""
        loop = self._running_loop
        if loop is None or loop.is_closed() or not self.is_running:
            return False
        loop.call_soon_threadsafe(lambda: self.exit(return_code=return_code))
        return True

    async def on_unmount(self) -> None:
        self._resume_collection()
        # The token dies with the console rather than at the end of the shift; a server that
        # does not answer at once is not waited for (the token then lapses at its expiry).
        try:
            with anyio.fail_after(SIGN_OUT_SECONDS):
                await self.client.logout()
        except (CrmApiError, TimeoutError):
            pass
        await self.client.aclose()

    # --- photos -------------------------------------------------------------------------------

    def photo_renderer(self) -> PhotoRenderer:
        """A renderer for one photo panel, as the config and this terminal allow."""
        environ = os.environ
        mode = photo_mode(self.config.photos, environ, self.console.color_system)
        if mode == "kitty":
            return KittyRenderer(self.write_to_terminal, tmux=in_tmux(environ))
        if mode == "sixel":
            if self.sixel_painter is None:
                self.sixel_painter = SixelPainter(self, self.write_to_terminal)
            return SixelRenderer(cell_pixels)
        return HalfBlockRenderer()

    def call_after_frame(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the next frame has been handed to the terminal (so that what
        it costs does not hold that frame back)."""
        self._after_frame.append(callback)

    def frame_drawn(self, screen: Screen, spans: list[Span]) -> None:
        if self._after_frame:
            pending, self._after_frame = self._after_frame, []
            for callback in pending:
                self.call_later(callback)
        # Sixel photos are painted over their cells after the frame that drew the cells.
        if self.sixel_painter is not None and not self.is_headless:
            self.sixel_painter.after_frame(screen, spans)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast of the console, whoever raises it: sanitised text, never markup (a toast
        parses markup by default, and officer names or server messages can carry it)."""
        super().notify(
            block(message, max_chars=500),
            title=block(title, max_chars=100) if title else "",
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --- navigation between screens (called by the screens) -----------------------------------

    def show_login(self, *, error: str | None = None, username: str | None = None) -> None:
        from crm_tui.screens.login_screen import LoginScreen

        self.switch_screen(LoginScreen(error=error, username=username))

    def prepare_main(self) -> None:
        """Load ahead what signing in and opening the main screen need first (the parsers of
        the session and of a list page, the main screen's modules); called once the connect
        screen is drawn, while the sign-in is on its way and the console would only wait."""
        prepare_models(Session, ReportPage, StreamStatus)
        import crm_tui.screens.main_screen  # noqa: F401

    def open_main(self, session: Session) -> None:
        view = starting_view(session.operator.role, self.config.views, self.config.default_view)
        # The list's first page is what the operator waits for: it is asked for now, and arrives
        # while the main screen is imported and built.
        first_page = self._first_page(view.query)
        from crm_tui.screens.main_screen import MainScreen

        self.operator_username = session.operator.username
        self.switch_screen(MainScreen(session, view=view, first_page=first_page))

    def _first_page(self, query: ReportQuery) -> asyncio.Future[ReportPage]:
        """The first page of the list as the main screen opens (the view it starts on), asked
        for now; the main screen's first fetch takes it (through `api`, as any of its calls)."""
        return asked_now(self.client.list_reports(query, limit=PAGE_SIZE))

    # --- the session and the connection ---------------------------------------------------------

    async def sign_in_again(self) -> bool:
        """The session ended: ask the operator to sign in again, over whatever is on screen, and
        wait for it. Calls that need it at the same time share one sign-in. False when nobody
        has signed in yet."""
        username = self.operator_username
        if username is None:
            return False
        if self._sign_in is None:
            from crm_tui.screens.login_screen import LoginScreen

            future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            self._sign_in = future

            def signed_in(session: Session | None) -> None:
                self._sign_in = None
                if not future.done():
                    future.set_result(session is not None)

            self.push_screen(LoginScreen(username=username, again=True), signed_in)
        # Shielded: a worker cancelled while it waits (a newer load) must not cancel the sign-in.
        return await asyncio.shield(self._sign_in)

    def _set_connection(self, state: ConnectionState) -> None:
        self.connection = state

    def watch_connection(self, state: ConnectionState) -> None:
        if state == "offline":
            self._probe_connection()

    @work(exclusive=True, group="connection-probe", exit_on_error=False)
    async def _probe_connection(self) -> None:
        """While offline, ask the server's health now and then (backing off), so the state
        comes back, and what failed reloads, without waiting for a key press."""
        delay = PROBE_FIRST_SECONDS
        while self.connection == "offline":
            await asyncio.sleep(delay)
            if self.connection != "offline":
                return
            try:
                await self.client.health()
            except CrmApiError:
                delay = min(delay * 2, PROBE_MAX_SECONDS)
            else:
                self.connection = "online"

    # --- reference data, loaded once --------------------------------------------------------------

    async def reference_categories(self) -> list[Category]:
        if self._categories is None:
            self._categories = await self.client.categories()
        return self._categories

    # --- the idle privacy lock --------------------------------------------------------------------

    @property
    def idle_lock_seconds(self) -> float:
        return self.config.idle_lock_minutes * 60

    @property
    def locked(self) -> bool:
        from crm_tui.screens.lock_screen import LockScreen

        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.InputEvent, events.Paste)):
            self.idle.touch()
        await super().on_event(event)

    def _lock_if_idle(self) -> None:
        if self.idle.idle_for() >= self.idle_lock_seconds:
            self.lock()

    def lock(self) -> bool:
        """Cover the screen until the signed-in operator's password is confirmed; False when
        there is nothing to lock (no one signed in yet) or it is locked already."""
        if self.operator_username is None or self.locked:
            return False
        from crm_tui.screens.lock_screen import LockScreen

        self.push_screen(LockScreen(self.operator_username, demo=self.demo), self._unlocked)
        return True

    def _unlocked(self, _result: object = None) -> None:
        self.idle.touch()
        pending, self._after_unlock = self._after_unlock, []
        for push in pending:
            push()

    def push_screen(  # one signature for both of Textual's overloads
        self,
        screen: Screen[Any] | str,
        callback: Callable[[Any], Any] | None = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        """A screen asked for while locked (a worker that finished under the lock: a dialog, the
        sign-in after an expired session) waits for the unlock: nothing is drawn over the lock.
        One asked for once the console is exiting is never shown (a waiting worker is cancelled
        with the app)."""
        from crm_tui.screens.lock_screen import LockScreen

        if self.exiting:
            return asyncio.get_running_loop().create_future() if wait_for_dismiss else AwaitComplete()
        if not self.locked or isinstance(screen, LockScreen):
            if wait_for_dismiss:
                return super().push_screen(screen, callback, wait_for_dismiss=True, mode=mode)
            return super().push_screen(screen, callback, wait_for_dismiss=False, mode=mode)
        result: asyncio.Future = asyncio.get_running_loop().create_future()

        def dismissed(value: object) -> None:
            if callback is not None:
                callback(value)
            if not result.done():
                result.set_result(value)

        # Pushed later from the lock's own callback, not from a waiting worker: the dismissal
        # is relayed to the future such a worker awaits.
        self._after_unlock.append(lambda: super(CrmApp, self).push_screen(screen, dismissed, mode=mode))
        return result if wait_for_dismiss else AwaitComplete()

    def action_lock(self) -> None:
        self.lock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While locked, none of the app's keys work (quit, palette, help): only the password's.
        return not self.locked and not self.exiting

    # --- exiting ----------------------------------------------------------------------------------

    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        self.exiting = True
        super().exit(result, return_code, message)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:  # noqa: ANN001
        """Every key binding, click and palette command of any screen comes through here: once
        exiting, none runs (screens' own `check_action` know nothing of the app leaving)."""
        if self.exiting:
            return False
        return await super().run_action(action, default_namespace, namespaces)

    # --- channels out of the console --------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in _HIDDEN_SYSTEM_COMMANDS:
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.deliver_screenshot(filename, path)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Off: a screenshot is an SVG file of the report on screen, outside the console."""
        self.notify(TEXTS("no_screenshot"), severity="warning")
        return None

    def copy_to_clipboard(self, text: str) -> None:
        """The one way Textual writes the clipboard (selection copy, Input and TextArea copy/cut;
        OSC 52 to the terminal). Refused while locked, and while a private report is shown
        unless the config allows it (`copy_private`)."""
        if self.locked:
            return
        if not self.config.copy_private and private_report_shown(self.screen_stack):
            self.notify(TEXTS("no_copy"), severity="warning")
            return
        super().copy_to_clipboard(text)

    # --- unexpected errors: an incident id on the terminal, frames in a log -----------------------

    def unexpected_error(self, error: BaseException | None) -> None:
        # Textual would print a Rich traceback with local variables, or the error's own
        # rendering: either can put report text into the scrollback.
        self._crash(error)

    def panic(self, *renderables: RenderableType) -> None:
        self._crash(None)

    def _crash(self, error: BaseException | None) -> None:
        message = None
        if self.incident is None:  # later errors are the first one's consequences
            if isinstance(error, WorkerFailed):
                error = error.error  # the worker's own exception, with its traceback
            self.incident = record_crash(self.config.log_dir, error or RuntimeError())
            message = Text(self.incident.message)
        self.exit_now(EXIT_CRASH, message)

"""How the console leaves when it cannot leave through its own loop: its terminal hung up (an SSH
session dropped: SIGHUP), it was told to stop (SIGTERM), or its output goes to a pipe nobody
reads any more (`crm-tui demo 2>&1 | head -5`: a broken pipe in Textual's writer thread).

Each of these signs the operator out as `q` does (bounded in time), and stops the demo backend,
which runs in a session of its own and gets no hang-up. Then:

- a hang-up or a broken pipe ends the process at once (`os._exit`), quietly: the terminal is gone,
  and going through Textual's own exit would write to it again, fail again, and leave Textual's
  input thread spinning on a closed terminal, keeping the interpreter from ever exiting;
- a stop request leaves as `q` does once the app runs: the app's own exit, scheduled on its loop,
  gives a terminal that is still there its settings back. (A SystemExit raised from the handler
  would cut whatever step of the loop's work the signal interrupted in half, and the app's tasks,
  cancelled in that state, fail as they unwind.) Before the app runs, or on a second request,
  it leaves through SystemExit. `cli._run` then ends the process with `os._exit` too.

None of them is a crash: no incident log. Imports nothing from Textual (set up before the app).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

try:
    import termios
except ImportError:  # not a POSIX system: no terminal settings to keep
    termios = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from api_client import CrmClient
    from crm_tui.demo_backend import DemoBackend

EXIT_HANGUP = 128 + signal.SIGHUP  # 129, as a shell reports a process a hang-up ended
EXIT_STOPPED = 128 + signal.SIGTERM  # 143
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # 141
# The demo backend, asked to stop, waits for the console's event stream to close, which only
# this process ending closes: it is killed after this long rather than after its usual grace.
BACKEND_GRACE_SECONDS = 0.5


class Departure:
    """Set up once (`install`) before the demo backend starts; told about the backend and the
    client as they come. Safe to enter from any thread, and from a signal arriving while it
    tidies up (the second way out then skips the tidying and ends the process)."""

    def __init__(self) -> None:
        self.backend: DemoBackend | None = None
        self._client: CrmClient | None = None
        self._sign_out_seconds = 0.0
        self._stop: Callable[[int], bool] | None = None
        self._lock = threading.RLock()  # re-entrant: a signal can arrive while its handler runs
        self._tidied = False
        self._terminal_settings: list | None = None
        self.status: int | None = None  # set when a stop request unwinds: the exit status to end with

    def install(self) -> None:
        """Handle hang-ups and stop requests from now on (main thread only)."""
        self._terminal_settings = _terminal_settings()
        signal.signal(signal.SIGHUP, self._on_hangup)
        signal.signal(signal.SIGTERM, self._on_stop)

    def signs_out(self, client: CrmClient, within: float) -> None:
        """Leaving revokes `client`'s token first, waiting at most `within` seconds."""
        self._client, self._sign_out_seconds = client, within

    def stops_with(self, stop: Callable[[int], bool]) -> None:
        """A stop request is handed to `stop(status)` from now on (from the signal handler: it may
        only schedule); it returns False when it cannot (the app no longer runs)."""
        self._stop = stop

    # --- the ways out -----------------------------------------------------------------------------

    def _on_hangup(self, _signum: int, _frame: FrameType | None) -> NoReturn:
        self._tidy()
        os._exit(EXIT_HANGUP)

    def _on_stop(self, _signum: int, _frame: FrameType | None) -> None:
        again = self.status is not None
        self._tidy()
        self.status = EXIT_STOPPED
        if not again and self._stop is not None and self._stop(EXIT_STOPPED):
            return
        raise SystemExit(EXIT_STOPPED)

    def terminal_gone(self, error: BaseException) -> NoReturn:
        """Textual's writer thread failed to write (from that thread): a broken pipe, or a
        terminal that hung up before its SIGHUP was handled."""
        self._tidy()
        if isinstance(error, BrokenPipeError):
            # Only the output was a pipe: the keyboard's terminal, if any, is still there and in
            # the raw mode Textual set.
            _restore_terminal(self._terminal_settings)
            os._exit(EXIT_BROKEN_PIPE)
        os._exit(EXIT_HANGUP)

    def _tidy(self) -> None:
        """Sign out and stop the demo backend, once, whichever way out comes first."""
        with self._lock:
            if self._tidied:
                return
            self._tidied = True
            try:
                if self._client is not None:
                    self._client.logout_blocking(self._sign_out_seconds)
            finally:
                if self.backend is not None:
                    self.backend.stop(grace=BACKEND_GRACE_SECONDS)


def _terminal_settings() -> list | None:
    """The keyboard terminal's settings before Textual changes them (None: not a terminal)."""
    if termios is None or sys.stdin is None:
        return None
    try:
        return termios.tcgetattr(sys.stdin.fileno()) if sys.stdin.isatty() else None
    except (termios.error, OSError, ValueError):
        return None


def _restore_terminal(settings: list | None) -> None:
    if termios is None or settings is None:
        return
    with contextlib.suppress(termios.error, OSError, ValueError):
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, settings)

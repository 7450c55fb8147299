"""A real terminal: tmux on a private socket, driven with send-keys, read with capture-pane.
Everything the program writes to the terminal is also recorded (pipe-pane) so tests can check
the bytes themselves."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path


class TmuxError(AssertionError):
    pass


class Tmux:
    def __init__(self, workdir: Path, *, width: int = 100, height: int = 30) -> None:
        if shutil.which("tmux") is None:
            raise TmuxError("tmux is not installed (scripts/test installs it)")
        self.socket = f"crm-test-{uuid.uuid4().hex[:8]}"
        self.session = "crm"
        self.width, self.height = width, height
        self.raw_path = workdir / "terminal.raw"

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check, timeout=30
        )

    def start(self, command: list[str], env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # COLUMNS/LINES from the test runner's own terminal would override the pane's size.
        shell = f"env -u COLUMNS -u LINES {exports} {shlex.join(command)}; echo EXIT=$?; sleep 600"
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            shell,
        )
        self._tmux("pipe-pane", "-o", "-t", self.session, f"cat >> {shlex.quote(str(self.raw_path))}")

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self, *, colours: bool = False) -> str:
        """The pane's text; with `colours`, with its SGR sequences too."""
        return self._tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", self.session).stdout

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "") -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen) if callable(predicate) else predicate in screen:
                return screen
            time.sleep(0.1)
        raise TmuxError(f"timed out waiting for {what or predicate!r}; screen was:\n{screen}")

    def wait_for_stable(self, predicate, timeout: float = 30.0, what: str = "", settle: float = 0.3) -> str:
        """`wait_for`, then until two captures `settle` seconds apart are the same and still
        satisfy `predicate`: a screen the console has finished drawing, not one caught while
        tmux was still taking in a frame or the console still laying it out."""
        deadline = time.monotonic() + timeout
        screen = self.wait_for(predicate, timeout, what)
        while time.monotonic() < deadline:
            time.sleep(settle)
            again = self.screen()
            if again == screen:
                return screen
            screen = self.wait_for(predicate, max(0.1, deadline - time.monotonic()), what)
        raise TmuxError(f"the screen did not settle while waiting for {what or predicate!r}; it was:\n{screen}")

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor is (Textual puts it in the focused text field)."""
        x, y = self._tmux("display", "-p", "-t", self.session, "#{cursor_x} #{cursor_y}").stdout.split()
        return int(x), int(y)

    def wait_for_cursor_below(self, label: str, timeout: float = 20.0) -> None:
        """Until the focused text field is the one under `label` (its cursor sits just below)."""

        def below() -> bool:
            rows = [i for i, row in enumerate(self.screen().splitlines()) if label in row]
            return bool(rows) and rows[0] < self.cursor()[1] <= rows[0] + 3

        self.wait_for(lambda _screen: below(), timeout, f"the text field under {label!r}")

    def raw(self) -> bytes:
        return self.raw_path.read_bytes() if self.raw_path.exists() else b""

    def kill(self) -> None:
        self._tmux("kill-server", check=False)

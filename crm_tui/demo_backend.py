"""`crm-tui demo`: the reference backend on a temporary database and a free loopback port,
started in a process of its own (its output goes to a log file, never to the console's
terminal) and stopped when the console exits."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

DEFAULT_REPORTS = 2_000
STARTUP_TIMEOUT_SECONDS = 120.0
STOP_GRACE_SECONDS = 10.0  # for the backend to finish its requests once asked to stop
DEMO_USERNAME = "dispatcher"
DEMO_PASSWORD = "dispatcher-demo"  # printed by the demo seeding; the demo has no secrets
# A folder of the caller's for the demo database and log, kept after exit (tests inspect it).
DEMO_DIR_ENV = "CRM_TUI_DEMO_DIR"


def demo_accounts() -> list[tuple[str, str, str, str]]:
    """The demo backend's operators: (username, password, role, agency). The demo has no
    secrets: its seeding prints the same list."""
    from crm_server.demo.seed import DEMO_OPERATORS  # demo mode only: the backend is installed

    return [(op.username, op.password, op.role, op.agency) for op in DEMO_OPERATORS]


class DemoBackendError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoBackend:
    def __init__(self, reports: int = DEFAULT_REPORTS, folder: Path | None = None) -> None:
        self.reports = reports
        self._owns_folder = folder is None
        self.folder = folder if folder is not None else Path(tempfile.mkdtemp(prefix="crm-demo-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def start(self) -> str:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "crm_server.cli",
                    "serve",
                    "--db",
                    str(self.folder / "crm.sqlite3"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--demo",
                    "--reports",
                    str(self.reports),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl+C in the console is the console's, not the server's
            )
        (self.folder / "server.pid").write_text(str(self.process.pid))
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DemoBackendError(f"the demo backend stopped while starting (see {self.log_path})")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise DemoBackendError("the demo backend did not start in time")

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Ask the backend to stop, and kill it if it has not after `grace` seconds."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if self._owns_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

"""The real `crm-tui demo` in a real terminal: type keys, read the screen, check the server."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.processes import processes_with
from tests.support.server import query
from tests.support.tmux import Tmux

pytestmark = pytest.mark.slow  # a real console in a real terminal: seconds each

CRM_TUI = Path(sys.executable).parent / "crm-tui"


@pytest.fixture
def demo_dir(tmp_path):
    """The demo's folder; whatever happens in the test, its backend does not outlive it."""
    folder = tmp_path / "demo"
    folder.mkdir()
    yield folder
    pid_file = folder / "server.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def _server_url(folder: Path, timeout: float = 60) -> str:
    log = folder / "server.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and (found := re.search(r"serving on (http://127\.0\.0\.1:\d+)", log.read_text())):
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError("the demo backend never said where it serves")


def test_demo_assign_and_close_by_keys(tmp_path, terminal, demo_dir):
    env = {
        "CRM_TUI_DEMO_DIR": str(demo_dir),
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "CRM_TUI_LANG": "en",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    terminal.start([str(CRM_TUI), "demo", "--reports", "300"], env)
    screen = terminal.wait_for(lambda s: "reports" in s and "Jangan berikan informasi" in s, 90, "the console")
    assert "Sari Wulandari (dispatcher)" in screen

    url = _server_url(demo_dir)
    token = httpx.post(
        f"{url}/api/v1/auth/login", json={"username": "supervisor", "password": "supervisor-demo"}
    ).json()["token"]
    api = httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    number = api.get("/reports", params={"agency": "JP.GAMBIR.CIDENG", "status": "Menunggu", "limit": 1}).json()[
        "items"
    ][0]["number"]

    terminal.type(":")
    terminal.wait_for("esc cancel", 10, "the command line")
    terminal.type(number)
    terminal.send("Enter")
    # In the list and in the detail's heading.
    terminal.wait_for(lambda s: s.count(f"{number}  Menunggu") >= 2, 20, "the jumped-to report")

    terminal.type("a")
    terminal.wait_for("(officer2)", 20, "the assign dialog")
    terminal.type("rina")
    terminal.send("Enter")
    terminal.wait_for(lambda s: "assigned to Rina Marlina" in s, 20, "the assign toast")

    terminal.type("c")
    terminal.wait_for("Resolution", 20, "the close dialog")
    terminal.send("Enter")  # bukan wewenang (the first), and on to the note
    terminal.wait_for_cursor_below("Note (required)")
    terminal.type("Saluran sudah dibersihkan petugas.")
    terminal.send("C-s")
    terminal.wait_for(f"Close {number} as 'bukan wewenang'?", 20, "the confirmation")
    terminal.type("y")
    terminal.wait_for(lambda s: "closed" in s and number in s, 20, "the close toast")

    report = api.get(f"/reports/{number}").json()
    assert report["status"] == "Selesai"
    assert report["assignee"]["username"] == "officer2"
    actions = [(h["action"], (h["actor"] or {}).get("username")) for h in report["history"]]
    assert ("assigned", "dispatcher") in actions and ("closed", "dispatcher") in actions
    assert report["history"][-1]["note"] == "Saluran sudah dibersihkan petugas."

    terminal.type("q")
    terminal.wait_for("EXIT=0", 30, "the console to exit")
    api.close()
    with pytest.raises(httpx.TransportError):  # the demo backend stopped with the console
        httpx.get(f"{url}/healthz", timeout=2)
    with pytest.raises(ProcessLookupError):
        os.kill(int((demo_dir / "server.pid").read_text()), 0)
    assert b"Traceback" not in terminal.raw()


def test_demo_backend_and_console_end_when_the_terminal_goes_away(tmp_path, terminal, demo_dir):
    state = tmp_path / "state"
    env = {
        "CRM_TUI_DEMO_DIR": str(demo_dir),
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(state),
    }
    terminal.start([str(CRM_TUI), "demo", "--reports", "50"], env)
    terminal.wait_for("Jangan berikan informasi", 90, "the console")
    backend = int((demo_dir / "server.pid").read_text())
    ours = processes_with("CRM_TUI_DEMO_DIR", str(demo_dir))  # the console, its backend (and the pane's shell)
    assert backend in ours and len(ours) >= 2
    terminal.kill()  # the pane's processes get a hangup, as when an SSH session drops
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and processes_with("CRM_TUI_DEMO_DIR", str(demo_dir)):
        time.sleep(0.1)
    left = processes_with("CRM_TUI_DEMO_DIR", str(demo_dir))
    for pid in left:  # ours to end, whatever the outcome
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert not left, "the console or its demo backend outlived the terminal"
    assert not list(state.rglob("crash-*.log")), "a hang-up is not a crash"
    assert query(demo_dir / "crm.sqlite3", "SELECT count(*) FROM tokens") == [(0,)]  # signed out first


def _read_until(stream, marker: bytes, timeout: float) -> bytes:
    """What the process wrote to `stream` up to and including `marker`."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([stream], [], [], remaining)[0]:
            raise AssertionError(f"{marker!r} never came; the last output was {seen[-300:]!r}")
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            raise AssertionError(f"the output ended before {marker!r}: {seen[-300:]!r}")
        seen += chunk
    return seen


def test_demo_whose_output_pipe_closes_ends_at_once_and_quietly(tmp_path, demo_dir):
    state = tmp_path / "state"
    env = {
        **os.environ,
        "CRM_TUI_DEMO_DIR": str(demo_dir),
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "XDG_STATE_HOME": str(state),
        "CRM_TUI_LANG": "en",
        "TERM": "xterm-256color",
    }
    # As `crm-tui demo 2>&1 | head -5`: the screen (written to stderr) and stdout go to one pipe,
    # whose reader goes away. Keys come from a pipe of the test's.
    console = subprocess.Popen(
        [str(CRM_TUI), "demo", "--reports", "50"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        _read_until(console.stdout, b"Wulandari", 90)  # signed in, the main screen drawn
        console.stdout.close()
        console.stdin.write(b"j")  # the cursor moves: the console draws into the closed pipe
        console.stdin.flush()
        written = time.monotonic()
        status = console.wait(timeout=30)
        took = time.monotonic() - written
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()
    assert status == 141  # 128 + SIGPIPE, as a shell reports a process a broken pipe ended
    assert took < 5, took
    assert not list(state.rglob("crash-*.log"))
    with pytest.raises(ProcessLookupError):  # the demo backend stopped with the console
        os.kill(int((demo_dir / "server.pid").read_text()), 0)
    assert query(demo_dir / "crm.sqlite3", "SELECT count(*) FROM tokens") == [(0,)]  # signed out


_GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def _colours(raw: bytes) -> list[tuple[str, tuple[int, ...]]]:
    """Every 256-colour and true-colour foreground/background the program asked for."""
    found = []
    for params in re.findall(rb"\x1b\[([0-9;]*)m", raw):
        parts = [int(p) for p in params.split(b";") if p]
        i = 0
        while i < len(parts):
            if parts[i] in (38, 48) and i + 1 < len(parts) and parts[i + 1] == 5:
                found.append(("256", tuple(parts[i + 2 : i + 3])))
                i += 3
            elif parts[i] in (38, 48) and i + 1 < len(parts) and parts[i + 1] == 2:
                found.append(("rgb", tuple(parts[i + 2 : i + 5])))
                i += 5
            else:
                i += 1
    return found


@pytest.mark.parametrize(
    "extra_env",
    [{"TERM": "xterm-16color"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}],
    ids=["16-colours", "NO_COLOR"],
)
def test_demo_in_few_colours_at_80x24(tmp_path, demo_dir, extra_env):
    terminal = Tmux(tmp_path, width=80, height=24)
    try:
        env = {
            "CRM_TUI_DEMO_DIR": str(demo_dir),
            "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
            "CRM_TUI_LANG": "id",
            "LANG": "C.UTF-8",
            "COLORTERM": "",
            **extra_env,
        }
        terminal.start([str(CRM_TUI), "demo", "--reports", "50"], env)
        screen = terminal.wait_for(lambda s: "Jangan berikan informasi" in s and "laporan" in s, 90, "the console")
        assert "No. Laporan" in screen and "Status" in screen  # the list fits beside its header
        terminal.type("j")
        terminal.type("q")
        terminal.wait_for("EXIT=0", 30, "the console to exit")
        colours = _colours(terminal.raw())
        if "NO_COLOR" in extra_env:  # shades of grey only (Textual's monochrome filter)
            assert all(v[0] in _GREYS if kind == "256" else len(set(v)) == 1 for kind, v in colours), colours[:5]
        else:  # the 16 ANSI colours only
            assert colours == []
    finally:
        terminal.kill()

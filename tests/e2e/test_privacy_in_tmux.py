"""The real `crm-tui` in a real terminal: what a crash leaves in the scrollback and the log,
Textual's log and screenshot variables doing nothing, and a hang-up signing the operator out."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import processes_with
from tests.support.server import query

CRM_TUI = Path(sys.executable).parent / "crm-tui"
pytestmark = pytest.mark.slow  # a real console in a real terminal: seconds each

SECRET = "3174012345678901"  # a reporter's NIK, held in a local and in the exception's message

# Loaded by Python at start-up (sitecustomize on PYTHONPATH): `?` on the main screen raises, as a
# bug handling report data would, with the data in a local and in the message.
PLANTED_BUG = f"""
from crm_tui.screens.main_screen import MainScreen

def action_help(self):
    reporter_nik = "{SECRET}"
    report_title = getattr(self.highlighted, "title", "")  # the row under the cursor, if loaded
    raise RuntimeError("cannot show help for " + reporter_nik + " " + report_title)

MainScreen.action_help = action_help
"""


def _env(tmp_path: Path, server, **extra: str) -> dict[str, str]:
    return {
        "CRM_TUI_SERVER": server.base_url,
        "CRM_TUI_USERNAME": "dispatcher",
        "CRM_TUI_PASSWORD": "dispatcher-demo",
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "CRM_TUI_LANG": "en",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        **extra,
    }


def test_a_crash_leaves_an_incident_line_and_a_log_without_report_data(tmp_path, terminal, demo_server):
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(PLANTED_BUG)
    # The plant first, then whatever the run had there (a checkout's code ahead of the installed one).
    pythonpath = os.pathsep.join(filter(None, [str(plant), os.environ.get("PYTHONPATH")]))
    terminal.start([str(CRM_TUI)], _env(tmp_path, demo_server, PYTHONPATH=pythonpath))
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")
    terminal.type("?")
    screen = terminal.wait_for("EXIT=", 30, "the console to stop")
    assert "EXIT=70" in screen
    flat = screen.replace("\n", "")  # the terminal wraps the line; the path is one word
    found = re.search(
        r"stopped unexpectedly \(incident ([0-9A-Z]{4}-[0-9A-Z]{4})\)\. Details are in (\S+?\.log)\.", flat
    )
    assert found, screen
    incident, log_path = found.group(1), Path(found.group(2))
    raw = terminal.raw()
    for leak in (SECRET.encode(), b"Traceback", b"reporter_nik", b"report_title", b"RuntimeError", b"cannot show help"):
        assert leak not in raw, leak
    assert log_path == tmp_path / "state" / "crm-tui" / f"crash-{incident}.log"
    log = log_path.read_text()
    assert f"incident {incident}" in log and "in action_help" in log and "RuntimeError (message not logged)" in log
    assert SECRET not in log and "reporter_nik" not in log and "cannot show help" not in log


def test_textual_log_and_screenshot_variables_do_nothing(tmp_path, terminal, demo_server):
    shots = tmp_path / "shots"
    shots.mkdir()
    textual_log = tmp_path / "textual.log"
    env = _env(
        tmp_path,
        demo_server,
        # A screenshot at once, then exit: the console would never show its main screen.
        TEXTUAL_LOG=str(textual_log),
        TEXTUAL="debug",
        TEXTUAL_SCREENSHOT="0",
        TEXTUAL_SCREENSHOT_LOCATION=str(shots),
    )
    terminal.start([str(CRM_TUI)], env)
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")
    assert not textual_log.exists()
    assert list(shots.iterdir()) == []


_CONSOLE_TOKENS = (
    "SELECT t.token_hash FROM tokens t JOIN operators o ON o.id = t.operator_id WHERE o.username = 'dispatcher'"
)


def _signed_in_console(tmp_path, terminal, server) -> tuple[dict[str, str], set]:
    """The console started and signed in; its environment and the token it holds (as stored)."""
    before = set(query(server.db, _CONSOLE_TOKENS))
    env = _env(tmp_path, server)
    terminal.start([str(CRM_TUI)], env)
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")
    console_token = set(query(server.db, _CONSOLE_TOKENS)) - before
    assert len(console_token) == 1
    return env, console_token


def test_a_hang_up_signs_the_operator_out(tmp_path, terminal, demo_server):
    env, console_token = _signed_in_console(tmp_path, terminal, demo_server)
    terminal.kill()  # the pane's processes get a hang-up, as when an SSH session drops
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
        console_token & set(query(demo_server.db, _CONSOLE_TOKENS))
        or processes_with("XDG_STATE_HOME", env["XDG_STATE_HOME"])
    ):
        time.sleep(0.1)
    left = processes_with("XDG_STATE_HOME", env["XDG_STATE_HOME"])
    for pid in left:  # ours to end, whatever the outcome
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert not left, "the console outlived its terminal"
    assert not console_token & set(query(demo_server.db, _CONSOLE_TOKENS)), "the token outlived the session"
    assert not list((tmp_path / "state").rglob("crash-*.log")), "a hang-up is not a crash"


def test_a_stop_request_signs_out_and_gives_the_terminal_back(tmp_path, terminal, demo_server):
    env, console_token = _signed_in_console(tmp_path, terminal, demo_server)
    (console,) = processes_with("XDG_STATE_HOME", env["XDG_STATE_HOME"])
    os.kill(console, signal.SIGTERM)
    # The shell's line shows on the terminal's own screen: the console left the alternate one.
    terminal.wait_for("EXIT=143", 20, "the console to stop")
    assert not console_token & set(query(demo_server.db, _CONSOLE_TOKENS)), "the token outlived the console"
    assert not list((tmp_path / "state").rglob("crash-*.log"))

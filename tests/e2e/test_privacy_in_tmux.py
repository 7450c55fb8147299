"""The real `crm-tui` in a real terminal: what a crash leaves in the scrollback and the log, and
Textual's log and screenshot variables doing nothing."""

from __future__ import annotations

import re
import sys
from pathlib import Path



CRM_TUI = Path(sys.executable).parent / "crm-tui"
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
    terminal.start([str(CRM_TUI)], _env(tmp_path, demo_server, PYTHONPATH=str(plant)))
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
        tmp_path, demo_server,
        # A screenshot at once, then exit: the console would never show its main screen.
        TEXTUAL_LOG=str(textual_log), TEXTUAL="debug", TEXTUAL_SCREENSHOT="0", TEXTUAL_SCREENSHOT_LOCATION=str(shots),
    )
    terminal.start([str(CRM_TUI)], env)
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")
    assert not textual_log.exists()
    assert list(shots.iterdir()) == []

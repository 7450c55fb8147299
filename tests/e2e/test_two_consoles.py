"""Two real consoles, in two real terminals, on one report: the second operator's assign dialog
surfaces the first one's change (who, and what changed) and nothing is overwritten."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.tmux import Tmux

pytestmark = pytest.mark.slow  # a real console in a real terminal: seconds each

CRM_TUI = Path(sys.executable).parent / "crm-tui"
TERMINAL_SIZE = (100, 30)


def _env(tmp_path: Path, server_url: str, username: str) -> dict[str, str]:
    return {
        "CRM_TUI_SERVER": server_url,
        "CRM_TUI_USERNAME": username,
        "CRM_TUI_PASSWORD": username + "-demo",
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "CRM_TUI_LANG": "en",
        "XDG_STATE_HOME": str(tmp_path / username / "state"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def test_the_second_assign_surfaces_the_first_and_overwrites_nothing(tmp_path, terminal, writes):
    api = writes  # the shared server for writes: the report is this test's own
    second = Tmux(tmp_path / "second", width=TERMINAL_SIZE[0], height=TERMINAL_SIZE[1])
    (tmp_path / "second").mkdir()
    try:
        number = api.submit(title="Two consoles, one report")  # the newest: the top row of both
        terminal.start([str(CRM_TUI)], _env(tmp_path, writes.server.base_url, "dispatcher"))
        second.start([str(CRM_TUI)], _env(tmp_path, writes.server.base_url, "supervisor"))
        for console in (terminal, second):
            console.wait_for(lambda s: s.count(number) >= 2 and "online" in s, 40, "the report in list and detail")

        # Both open the assign dialog on the same version.
        for console in (terminal, second):
            console.type("a")
            console.wait_for(f"Assign {number}", 20, "the assign dialog")
        terminal.type("rina")
        terminal.send("Enter")
        terminal.wait_for(f"{number} assigned to Rina Marlina", 20, "the first assign")

        # The second console's dialog says so at once, before its operator confirms anything.
        screen = second.wait_for("was changed by Sari Wulandari", 20, "the change surfaced")
        flat = " ".join(screen.split())
        assert "officer — → Rina Marlina" in flat and "apply it to the new version" in flat
        second.type("agus")  # the operator's input is kept; nothing is sent without a confirm
        second.wait_for(lambda s: "agus" in s, 10, "the typed filter")
        second.send("Escape")
        second.wait_for(lambda s: f"Assign {number}" not in s, 10, "the dialog closed")

        report, _ = api.detail("supervisor", number)
        assert report["assignee"]["username"] == "officer2"
        assert [h["detail"] for h in report["history"] if h["action"] == "assigned"] == ["officer: officer2"]
        for console in (terminal, second):
            console.type("q")
            console.wait_for("EXIT=0", 20, "the console to quit")
    finally:
        second.kill()

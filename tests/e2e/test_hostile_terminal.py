"""Hostile report text in the real `crm-tui`, in a real terminal (tmux), against a server that
serves some of it raw (tests/support/hostile.py): every byte the console writes is checked for
escape sequences that came from the data, and the list is checked for alignment on screen."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.support.hostile import (
    CLICK,
    DISPATCHER,
    DISPATCHER_PASSWORD,
    OFFICER,
    control_characters,
    escape_problems,
    list_cells,
    misaligned_rows,
    tmux_widths,
)

pytestmark = pytest.mark.slow  # a real console in a real terminal: seconds each

CRM_TUI = Path(sys.executable).parent / "crm-tui"
# Narrow enough for the list to be full width on top, tall enough for the whole detail below
# (keys that move focus and then scroll would race in a terminal).
TERMINAL_SIZE = (100, 110)


def _check(screen: str, what: str, private: frozenset[str] = frozenset()) -> str:
    assert control_characters(screen.replace("\t", "")) == [], what
    assert misaligned_rows(screen.splitlines(), private=private) == [], f"{what}:\n{screen}"
    return screen


def test_the_terminal_agrees_with_the_console_on_every_list_cell(tmp_path, terminal, hostile_world):
    """Textual lays the list out by Rich's widths; a terminal that counts a character otherwise
    shifts the columns after it (capture-pane shows the characters, not where they landed)."""
    terminal.start([str(CRM_TUI)], _env(tmp_path, hostile_world))
    screen = terminal.wait_for(lambda s: "Mallory" in s and "16 reports" in s, 30, "the console")
    cells = list_cells(screen.splitlines())
    assert any("Lainnya" in cell for cell in cells) and any("Cideng" in cell for cell in cells)
    disagreements = {
        cell: (cell_len(cell), width)
        for cell, width in tmux_widths(tmp_path / "widths", cells).items()
        if cell_len(cell) != width
    }
    assert disagreements == {}
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")


def _env(tmp_path: Path, hostile_world) -> dict[str, str]:
    return {
        "CRM_TUI_SERVER": hostile_world.server.base_url,
        "CRM_TUI_USERNAME": DISPATCHER,
        "CRM_TUI_PASSWORD": DISPATCHER_PASSWORD,
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "CRM_TUI_LANG": "en",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def test_hostile_reports_in_a_real_terminal(tmp_path, terminal, hostile_world):
    terminal.start([str(CRM_TUI)], _env(tmp_path, hostile_world))
    screen = terminal.wait_for(lambda s: "Mallory [/bold] [b]" in s and "16 reports" in s, 30, "the console")
    private = frozenset(r.number for r in hostile_world.reports if r.spec.private)
    _check(screen, "the first screen", private)
    numbers = [r.number for r in sorted(hostile_world.reports, key=lambda r: r.number, reverse=True)]
    by_number = {r.number: r for r in hostile_world.reports}
    for number in numbers:  # newest first: the list's order
        # In the list and in the detail's heading, which shows at once; then the details load (on a
        # busy machine a load can time out first: the console then loads them again by itself).
        screen = terminal.wait_for_stable(
            lambda s, n=number: (
                (s.count(f"{n}  Proses") >= 2 or s.count(f"{n}  Menunggu") >= 2)
                and "Loading its details" not in s
                and "are not loaded" not in s
            ),
            60,
            f"the detail of {number}",
        )
        _check(screen, by_number[number].label, private)
        if by_number[number].spec.key == "markup":
            assert "Judul [@click=app.quit]x[/] [/] [/bold] [b]unclosed [ :smile:" in screen
            assert "]0;pwned-title" in screen  # what is left of the title escape: plain text
        terminal.send("j")

    markup = hostile_world.report("markup", "raw")
    terminal.type(":")
    terminal.wait_for("esc cancel", 10, "the command line")
    terminal.type(markup.number)
    terminal.send("Enter")
    # Generous: the report before it holds the 1 MB / 10k-line texts, slow to lay out on a busy machine.
    terminal.wait_for(lambda s: s.count(f"{markup.number}  Proses") >= 2, 60, "the markup report")
    screen = terminal.wait_for("Catatan " + CLICK, 20, "the notes, at the detail's end")
    _check(screen, "history and notes")

    terminal.type(":")
    terminal.wait_for("esc cancel", 10, "the command line")
    terminal.type("[@click=app.quit]x[/] [/bold]")
    terminal.send("Enter")
    _check(terminal.wait_for("Unknown command: [@click=app.quit]x[/]", 10, "the echo in a toast"), "the toast")

    terminal.type("a")
    # The dialog lists officers as "name (username)"; the detail shows the name alone.
    screen = terminal.wait_for(f"({OFFICER})", 20, "the officers in the assign dialog")
    assert "Evil " + CLICK in screen
    _check(screen, "the assign dialog")
    terminal.send("Escape")
    # A key right after Escape would arrive as Alt+key: wait for the dialog to go first.
    terminal.wait_for(lambda s: f"({OFFICER})" not in s, 10, "the dialog closed")
    terminal.type("?")
    _check(terminal.wait_for("ID (for the keymap)", 10, "the help screen"), "the help screen")
    terminal.send("Escape")
    terminal.wait_for(lambda s: "ID (for the keymap)" not in s, 10, "the help closed")

    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit by its own key, not a link")
    raw = terminal.raw()
    assert escape_problems(raw) == []
    assert b"]0;pwned-title" in raw and b"]52;c;ZXZpbA==" in raw  # drawn, as plain text
    assert not re.search(rb"\x1b\][0-9]*;[^\x07\x1b]*pwned", raw)
    assert b"Traceback" not in raw

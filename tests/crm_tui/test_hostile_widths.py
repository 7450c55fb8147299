"""Characters whose width Rich and terminals disagree on are not drawn (the real terminal's view:
tests/e2e/test_hostile_terminal.py::test_the_terminal_agrees_with_the_console_on_every_list_cell)."""

from __future__ import annotations

import pytest

from widgets.safe_text import PLACEHOLDER, block, line


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("Pohon tumbang ⚠️ di Jl. Kenari", "Pohon tumbang ⚠ di Jl. Kenari"),  # Rich: 2 cells, tmux: 1
        ("terima kasih 👍🏽", "terima kasih 👍"),  # Rich: 2 cells, tmux: 4
        ("🧑🏽‍💻 petugas ❤️", "🧑\u200d💻 petugas ❤"),
        ("陥没 🚧 👩‍👩‍👧 🇮🇩", "陥没 🚧 👩‍👩‍👧 🇮🇩"),  # wide as both count them: unchanged
    ],
)
def test_width_disputed_characters_are_not_drawn(text, drawn):
    assert line(text) == drawn and block(text + "\n" + text) == drawn + "\n" + drawn


def test_nothing_but_width_disputed_characters_is_the_placeholder():
    assert line("\ufe0f🏽") == PLACEHOLDER and block("🏿") == PLACEHOLDER

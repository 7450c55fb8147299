"""Untrusted text made fit to draw: sanitised (crm_text) and never empty on screen."""

from __future__ import annotations

from crm_text.sanitize import clean_line, clean_text

PLACEHOLDER = "\u2014"  # what a field shows when nothing printable is left of it

# Characters whose width Rich and terminals disagree on (measured against tmux 3.3): the emoji
# presentation selector (Rich draws "❤️" two cells wide, tmux one) and the skin-tone modifiers
# (Rich: no width, tmux: two). Textual lays out by Rich's count, so in such a terminal every
# column after them shifts. They are left out of what is drawn, not out of the stored text; the
# character before them keeps the width both agree on.
WIDTH_DISPUTED = "\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"
_NOT_DRAWN = str.maketrans(dict.fromkeys(map(ord, WIDTH_DISPUTED)))


def line(value: str | None, *, max_chars: int = 300) -> str:
    """One line of report text (title, name, place), safe for a cell or a label."""
    return clean_line(value or "", max_chars=max_chars).translate(_NOT_DRAWN) or PLACEHOLDER


def block(value: str | None, *, max_chars: int = 20_000) -> str:
    """Multi-line report text (description, note), safe for a detail pane."""
    return clean_text(value or "", max_chars=max_chars).translate(_NOT_DRAWN) or PLACEHOLDER

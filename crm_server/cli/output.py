"""What `crm-server` prints, made safe for the administrator's terminal.

Values come from the database and the command line, and some were typed by anyone who can reach
the API (a failed sign-in's username, an operator's display name in an older database): raw,
they could set the terminal's title, write its clipboard (OSC 52), erase rows, or forge a row
with a newline. Every value passes through the console's own rule (crm_text): no C0, C1, ESC,
bidi or zero-width characters, one line; and every line passes through it again on the way out.
"""

from __future__ import annotations

import sys
from typing import TextIO

from crm_text.sanitize import clean_line, clean_text

NONE = "-"  # a value that is absent
BLANK = "?"  # a value that held nothing printable
_LINE_CHARS = 4_000


def safe(value: object, *, max_chars: int = 200) -> str:
    """One value as one line with nothing in it that acts on a terminal."""
    if value is None:
        return NONE
    return clean_line(str(value), max_chars=max_chars) or BLANK


def _line(text: str) -> str:
    # The whole line again, spaces kept (values are already clean: this guards the templates).
    flat = text.replace("\r", " ").replace("\n", " ")
    return clean_text(flat, max_chars=_LINE_CHARS)


def say(text: str = "", *, file: TextIO | None = None) -> None:
    """Prints one line to stdout (or `file`)."""
    print(_line(text), file=file or sys.stdout)


def note(text: str) -> None:
    """A line for the administrator alone, on stderr: a pipe reading stdout never sees it."""
    say(f"crm-server: {text}", file=sys.stderr)

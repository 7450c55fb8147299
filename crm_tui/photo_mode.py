"""How this terminal is to draw photos: the kitty graphics protocol, or half-block cells.

`photos = "auto"` uses kitty graphics only where the terminal says who it is and is known to
draw Unicode placeholders (kitty, Ghostty: their TERM travels over SSH), never inside tmux or
screen (which pass graphics on only when configured to), and only with 24-bit colour output
(the placeholder's colour is the image id). It does not query the terminal: a reply arriving
after Textual has taken the keyboard would be read as keys the operator typed. `"kitty"`
forces kitty graphics (through tmux's passthrough inside tmux); `"halfblock"` never uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

PHOTO_SETTINGS = ("auto", "kitty", "halfblock")
PhotoMode = Literal["kitty", "halfblock"]

_KITTY_TERMS = frozenset({"xterm-kitty", "xterm-ghostty"})
_KITTY_PROGRAMS = frozenset({"kitty", "ghostty"})


def kitty_terminal(environ: Mapping[str, str]) -> bool:
    """Whether the terminal says it is one that draws kitty's Unicode placeholders."""
    return (
        environ.get("TERM", "") in _KITTY_TERMS
        or environ.get("TERM_PROGRAM", "").lower() in _KITTY_PROGRAMS
        or bool(environ.get("KITTY_WINDOW_ID"))
    )


def in_tmux(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("TMUX"))


def in_multiplexer(environ: Mapping[str, str]) -> bool:
    term = environ.get("TERM", "")
    return in_tmux(environ) or bool(environ.get("STY")) or term.startswith(("screen", "tmux"))


def photo_mode(setting: str, environ: Mapping[str, str], color_system: str | None) -> PhotoMode:
    """The mode for a `photos` setting, in this environment, with Textual's colour system."""
    if setting == "halfblock" or color_system != "truecolor" or environ.get("NO_COLOR"):
        return "halfblock"
    if setting == "kitty":
        return "kitty"
    return "kitty" if kitty_terminal(environ) and not in_multiplexer(environ) else "halfblock"

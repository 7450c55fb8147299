"""How this terminal is to draw photos: kitty graphics, sixel, or half-block cells.

`photos = "auto"` decides from what the terminal says of itself in the environment, and never
queries it: a reply arriving after Textual has taken the keyboard would be read as keys the
operator typed. It picks
- kitty graphics where the terminal is one known to draw the protocol's Unicode placeholders
  (kitty, Ghostty: their TERM travels over SSH), with 24-bit colour (the cells' colour is the
  image id);
- sixel where the terminal is one known to draw sixel (foot, mlterm, contour by TERM; WezTerm,
  mintty, iTerm2 3.5+, Konsole 22.04+ by their own variables) and the terminal reports its size
  in pixels, which the picture is made to fit;
- half-block cells everywhere else, inside tmux or screen (which pass graphics on only when
  configured to), and under NO_COLOR.
`"kitty"` and `"sixel"` force one (through tmux's passthrough for kitty inside tmux);
`"halfblock"` never uses graphics.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Literal

PHOTO_SETTINGS = ("auto", "kitty", "sixel", "halfblock")
PhotoMode = Literal["kitty", "sixel", "halfblock"]

_KITTY_TERMS = frozenset({"xterm-kitty", "xterm-ghostty"})
_KITTY_PROGRAMS = frozenset({"kitty", "ghostty"})
_SIXEL_TERMS = ("foot", "mlterm", "contour")  # prefixes: foot-extra, mlterm-256color
_SIXEL_PROGRAMS = frozenset({"wezterm", "mintty"})


def kitty_terminal(environ: Mapping[str, str]) -> bool:
    """Whether the terminal says it is one that draws kitty's Unicode placeholders."""
    return (
        environ.get("TERM", "") in _KITTY_TERMS
        or environ.get("TERM_PROGRAM", "").lower() in _KITTY_PROGRAMS
        or bool(environ.get("KITTY_WINDOW_ID"))
    )


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def sixel_terminal(environ: Mapping[str, str]) -> bool:
    """Whether the terminal says it is one that draws sixel."""
    program = environ.get("TERM_PROGRAM", "")
    return (
        environ.get("TERM", "").startswith(_SIXEL_TERMS)
        or program.lower() in _SIXEL_PROGRAMS
        or (program == "iTerm.app" and _version(environ.get("TERM_PROGRAM_VERSION", "")) >= (3, 5))
        or _version(environ.get("KONSOLE_VERSION", "")) >= (220400,)
    )


def in_tmux(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("TMUX"))


def in_multiplexer(environ: Mapping[str, str]) -> bool:
    term = environ.get("TERM", "")
    return in_tmux(environ) or bool(environ.get("STY")) or term.startswith(("screen", "tmux"))


def photo_mode(setting: str, environ: Mapping[str, str], color_system: str | None) -> PhotoMode:
    """The mode for a `photos` setting, in this environment, with Textual's colour system."""
    if setting == "halfblock" or environ.get("NO_COLOR"):
        return "halfblock"
    if setting == "kitty":
        return "kitty" if color_system == "truecolor" else "halfblock"
    if setting == "sixel":
        return "sixel"
    if in_multiplexer(environ):
        return "halfblock"
    if kitty_terminal(environ) and color_system == "truecolor":
        return "kitty"
    return "sixel" if sixel_terminal(environ) and cell_pixels() is not None else "halfblock"


def cell_pixels() -> tuple[int, int] | None:
    """A cell's width and height in pixels, as the terminal reports them (TIOCGWINSZ; SSH
    carries them), or None where it does not."""
    try:
        import fcntl
        import struct
        import termios

        stream = sys.__stdout__
        if stream is None or not stream.isatty():
            return None
        rows, columns, width, height = struct.unpack(
            "HHHH", fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        )
    except (ImportError, OSError, ValueError):
        return None
    if not (rows and columns and width and height):
        return None
    return width // columns, height // rows

"""The kitty graphics protocol, as far as the console uses it: Unicode placeholders.

The image is sent to the terminal once and given a *virtual* placement (`U=1`) of C columns by
R rows; the terminal then draws the image wherever cells hold the placeholder character U+10EEEE
in the image's colour (the foreground colour is the image id), with combining diacritics naming
each cell's row and column. So the picture is ordinary text as far as Textual is concerned: a
dialog, a toast or the lock screen drawn over those cells hides it, scrolling moves it, and
nothing outside the cell grid is left behind. kitty and Ghostty implement placeholders.

Specification: https://sw.kovidgoyal.net/kitty/graphics-protocol/ ("Unicode placeholders").
Everything here is text in, text out; no terminal I/O.
"""

from __future__ import annotations

import base64

PLACEHOLDER = "\U0010eeee"
CHUNK = 4096  # base64 bytes per escape sequence: the protocol's limit
MAX_IMAGE_ID = 0xFFFFFF  # ids travel in a 24-bit foreground colour

# The row/column diacritics, index = number: the protocol's rowcolumn-diacritics table (Unicode
# 6.0 combining marks of class 230 without decompositions, minus a few that normalisation can
# fuse with a base letter). Ranges are inclusive.
_DIACRITIC_RANGES = (
    (0x0305, 0x0305),
    (0x030D, 0x030E),
    (0x0310, 0x0310),
    (0x0312, 0x0312),
    (0x033D, 0x033F),
    (0x0346, 0x0346),
    (0x034A, 0x034C),
    (0x0350, 0x0352),
    (0x0357, 0x0357),
    (0x035B, 0x035B),
    (0x0363, 0x036F),
    (0x0483, 0x0487),
    (0x0592, 0x0595),
    (0x0597, 0x0599),
    (0x059C, 0x05A1),
    (0x05A8, 0x05A9),
    (0x05AB, 0x05AC),
    (0x05AF, 0x05AF),
    (0x05C4, 0x05C4),
    (0x0610, 0x0617),
    (0x0657, 0x065B),
    (0x065D, 0x065E),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E2),
    (0x06E4, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EB, 0x06EC),
    (0x0730, 0x0730),
    (0x0732, 0x0733),
    (0x0735, 0x0736),
    (0x073A, 0x073A),
    (0x073D, 0x073D),
    (0x073F, 0x0741),
    (0x0743, 0x0743),
    (0x0745, 0x0745),
    (0x0747, 0x0747),
    (0x0749, 0x074A),
    (0x07EB, 0x07F1),
    (0x07F3, 0x07F3),
    (0x0816, 0x0819),
    (0x081B, 0x0823),
    (0x0825, 0x0827),
    (0x0829, 0x082D),
    (0x0951, 0x0951),
    (0x0953, 0x0954),
    (0x0F82, 0x0F83),
    (0x0F86, 0x0F87),
    (0x135D, 0x135F),
    (0x17DD, 0x17DD),
    (0x193A, 0x193A),
    (0x1A17, 0x1A17),
    (0x1A75, 0x1A7C),
    (0x1B6B, 0x1B6B),
    (0x1B6D, 0x1B73),
    (0x1CD0, 0x1CD2),
    (0x1CDA, 0x1CDB),
    (0x1CE0, 0x1CE0),
    (0x1DC0, 0x1DC1),
    (0x1DC3, 0x1DC9),
    (0x1DCB, 0x1DCC),
    (0x1DD1, 0x1DE6),
    (0x1DFE, 0x1DFE),
    (0x20D0, 0x20D1),
    (0x20D4, 0x20D7),
    (0x20DB, 0x20DC),
    (0x20E1, 0x20E1),
    (0x20E7, 0x20E7),
    (0x20E9, 0x20E9),
    (0x20F0, 0x20F0),
    (0x2CEF, 0x2CF1),
    (0x2DE0, 0x2DFF),
    (0xA66F, 0xA66F),
    (0xA67C, 0xA67D),
    (0xA6F0, 0xA6F1),
    (0xA8E0, 0xA8F1),
    (0xAAB0, 0xAAB0),
    (0xAAB2, 0xAAB3),
    (0xAAB7, 0xAAB8),
    (0xAABE, 0xAABF),
    (0xAAC1, 0xAAC1),
    (0xFE20, 0xFE26),
    (0x10A0F, 0x10A0F),
    (0x10A38, 0x10A38),
    (0x1D185, 0x1D189),
    (0x1D1AA, 0x1D1AD),
    (0x1D242, 0x1D244),
)
DIACRITICS = tuple(chr(code) for first, last in _DIACRITIC_RANGES for code in range(first, last + 1))
MAX_SPAN = len(DIACRITICS)  # the most rows, or columns, a placement can number


def _command(keys: str, payload: str = "") -> str:
    return f"\x1b_G{keys};{payload}\x1b\\" if payload else f"\x1b_G{keys}\x1b\\"


def transmit_and_place(image_id: int, png: bytes, columns: int, rows: int) -> str:
    """Send a PNG and give it a virtual placement of `columns` x `rows` cells, in which the
    terminal fits it keeping its aspect ratio. `q=2`: the terminal sends no reply, which would
    otherwise arrive on the console's input as if typed; `C=1`: the cursor stays put."""
    data = base64.standard_b64encode(png).decode("ascii")
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [""]
    keys = f"a=T,U=1,f=100,t=d,i={image_id},c={columns},r={rows},C=1,q=2"
    out = []
    for index, chunk in enumerate(chunks):
        more = 1 if index < len(chunks) - 1 else 0
        out.append(_command(f"{keys},m={more}" if index == 0 else f"m={more},q=2", chunk))
    return "".join(out)


def place(image_id: int, columns: int, rows: int) -> str:
    """A new virtual placement for an image already sent (the old one is removed first)."""
    return _command(f"a=d,d=i,i={image_id},q=2") + _command(f"a=p,U=1,i={image_id},c={columns},r={rows},C=1,q=2")


def delete(image_id: int) -> str:
    """Remove the image's placements and free its data in the terminal."""
    return _command(f"a=d,d=I,i={image_id},q=2")


def tmux_passthrough(sequence: str) -> str:
    """Wrap escape sequences for tmux, which hands them to the outer terminal only when
    `allow-passthrough` is on. The placeholder cells themselves are plain text to tmux."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def placeholder_cell(row: int, column: int) -> str:
    """One cell of the picture: the placeholder, then its row and column diacritics. Every cell
    carries both, so the cells stay right however Textual crops a line."""
    return PLACEHOLDER + DIACRITICS[row] + DIACRITICS[column]


def id_colour(image_id: int) -> tuple[int, int, int]:
    """The 24-bit foreground colour that names the image."""
    return (image_id >> 16) & 0xFF, (image_id >> 8) & 0xFF, image_id & 0xFF

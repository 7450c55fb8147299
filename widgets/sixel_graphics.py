"""Sixel: a picture as DCS escape sequences of palette colours and six-pixel bands.

Text in, text out; no terminal I/O. The bands are built with `bytes.translate` and big-integer
ORs, one colour at a time, so a photo of a few hundred pixels a side encodes in tens of
milliseconds without numpy.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_COLOURS = 255  # colour registers; 256 is the most terminals give a picture
_TO_SIXEL = bytes((63 + value) if value < 64 else 0 for value in range(256))  # 6 bits -> "?".."~"
_RUN = re.compile(rb"(.)\1{3,}")  # four or more of a character: shorter as "!<count><char>"


@cache
def _bit_table(colour: int, bit: int) -> bytes:
    """translate() table: `colour` becomes `1 << bit`, every other index 0."""
    table = bytearray(256)
    table[colour] = 1 << bit
    return bytes(table)


def _compress(line: bytes) -> bytes:
    return _RUN.sub(lambda run: b"!%d%c" % (len(run.group(0)), run.group(1)[0]), line)


def encode_rows(image: Image, row_height: int) -> list[str]:
    """`image` (RGB, drawn at its size in pixels) as one sixel sequence per `row_height` pixels
    (a terminal line), so each line can be painted alone. One palette for the whole picture;
    each sequence defines the colours it uses. Rows past the picture's last pixel stay unset,
    and unset pixels leave the terminal's as they are."""
    from PIL.Image import Dither, Quantize

    width, height = image.size
    indexed = image.convert("RGB").quantize(MAX_COLOURS, method=Quantize.MEDIANCUT, dither=Dither.NONE)
    palette = indexed.getpalette() or []
    pixels = indexed.tobytes()
    return [
        _sequence(pixels[top * width : min(top + row_height, height) * width], width, palette)
        for top in range(0, height, row_height)
    ]


def _sequence(pixels: bytes, width: int, palette: list[int]) -> str:
    height = len(pixels) // width
    out = [b'\x1bP0;1;0q"1;1;%d;%d' % (width, height)]  # P2=1: unset pixels stay as they are
    for index in sorted(set(pixels)):
        red, green, blue = palette[3 * index : 3 * index + 3]
        out.append(b"#%d;2;%d;%d;%d" % (index, red * 100 // 255, green * 100 // 255, blue * 100 // 255))
    for top in range(0, height, 6):
        rows = [pixels[y * width : (y + 1) * width] for y in range(top, min(top + 6, height))]
        lines = []
        for colour in sorted(set(b"".join(rows))):
            bits = 0
            for bit, row in enumerate(rows):
                bits |= int.from_bytes(row.translate(_bit_table(colour, bit)), "big")
            line = bits.to_bytes(width, "big").translate(_TO_SIXEL).rstrip(b"?")
            lines.append(b"#%d%s" % (colour, _compress(line)))
        out.append(b"$".join(lines) + b"-")
    out.append(b"\x1b\\")
    return b"".join(out).decode("ascii")

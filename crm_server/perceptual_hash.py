"""A 64-bit perceptual hash (the DCT "pHash"), in pure Python over Pillow's greyscale.

The photo is reduced to 32x32 grey levels; the 8x8 lowest frequencies of its 2-D DCT are
compared with their median, one bit each. Re-encoding, resizing and slight crops move few
bits; unrelated photos differ in about half. Pure Python: a few milliseconds per photo, and
no numerical library pulled in for one transform.
"""

from __future__ import annotations

import math
from functools import cache

from PIL import Image

SIDE = 32
LOW = 8
BITS = LOW * LOW


@cache
def _cosines() -> tuple[tuple[float, ...], ...]:
    """cos((2x + 1) u pi / 2N) for the LOW lowest frequencies u and every x."""
    return tuple(tuple(math.cos((2 * x + 1) * u * math.pi / (2 * SIDE)) for x in range(SIDE)) for u in range(LOW))


def phash(image: Image.Image) -> int:
    """The hash as an unsigned 64-bit integer (bit 63: the DC term)."""
    grey = image.convert("L").resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    pixels = list(grey.tobytes())  # one byte per pixel in mode L
    rows = [pixels[y * SIDE : (y + 1) * SIDE] for y in range(SIDE)]
    cos = _cosines()
    # Separable DCT: along each row for the low frequencies, then down the columns.
    along = [[sum(c * p for c, p in zip(cu, row, strict=True)) for cu in cos] for row in rows]
    coefficients = [
        sum(cv[y] * along[y][u] for y in range(SIDE)) for cv in cos for u in range(LOW)
    ]  # index v * LOW + u
    median = sorted(coefficients)[BITS // 2]
    value = 0
    for coefficient in coefficients:
        value = (value << 1) | (coefficient > median)
    return value


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def to_signed(value: int) -> int:
    """The unsigned hash as a signed 64-bit integer (what a BIGINT column holds)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value

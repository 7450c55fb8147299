"""A small sixel decoder, to read back what the console sends a terminal."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEQUENCE = re.compile(r"\x1bP([\d;]*)q(.*?)\x1b\\", re.S)


@dataclass
class Picture:
    width: int
    height: int
    pixels: dict[tuple[int, int], tuple[int, int, int]]  # (x, y) -> colour in percent


def sixels(text: str) -> list[str]:
    """The sixel sequences in `text`."""
    return [match.group(0) for match in _SEQUENCE.finditer(text)]


def decode(sequence: str) -> Picture:
    match = _SEQUENCE.fullmatch(sequence)
    assert match, "not one sixel sequence"
    body = match.group(2)
    raster = re.match(r'"1;1;(\d+);(\d+)', body)
    assert raster, "no raster attributes"
    width, height = int(raster.group(1)), int(raster.group(2))
    colours: dict[int, tuple[int, int, int]] = {}
    pixels: dict[tuple[int, int], tuple[int, int, int]] = {}
    x = top = 0
    current = 0
    position = raster.end()
    token = re.compile(r"#(\d+);2;(\d+);(\d+);(\d+)|#(\d+)|!(\d+)([?-~])|([?-~])|(\$)|(-)")
    while position < len(body):
        found = token.match(body, position)
        assert found, f"unexpected {body[position : position + 10]!r}"
        position = found.end()
        define, use, count, repeated, single, back, down = (
            found.group(1),
            found.group(5),
            found.group(6),
            found.group(7),
            found.group(8),
            found.group(9),
            found.group(10),
        )
        if define is not None:
            colours[int(define)] = (int(found.group(2)), int(found.group(3)), int(found.group(4)))
        elif use is not None:
            current = int(use)
        elif count is not None or single is not None:
            char = repeated if count is not None else single
            for _ in range(int(count) if count is not None else 1):
                bits = ord(char) - 63
                for bit in range(6):
                    if bits >> bit & 1:
                        assert (x, top + bit) not in pixels, "a pixel painted twice"
                        pixels[(x, top + bit)] = colours[current]
                x += 1
        elif back:
            x = 0
        elif down:
            x, top = 0, top + 6
    return Picture(width, height, pixels)

"""Reading kitty graphics commands back out of what the console wrote to the terminal."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

_COMMAND = re.compile(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\")


@dataclass(frozen=True)
class Command:
    keys: dict[str, str]
    payload: str


def commands(written: str) -> list[Command]:
    """Every graphics command in `written`, in order; fails on any other escape sequence."""
    found = []
    position = 0
    for match in _COMMAND.finditer(written):
        assert match.start() == position, f"unexpected output {written[position : match.start()]!r}"
        position = match.end()
        keys = dict(pair.split("=", 1) for pair in match.group(1).split(","))
        found.append(Command(keys, match.group(2) or ""))
    assert position == len(written), f"unexpected output {written[position:]!r}"
    return found


def transmitted_png(found: list[Command], image_id: int | None = None) -> bytes:
    """The image data of the one transmission in `found` (of image `image_id` if given), with
    its chunks joined and decoded."""
    starts = [
        i
        for i, command in enumerate(found)
        if command.keys.get("a") == "T" and image_id in (None, int(command.keys["i"]))
    ]
    assert len(starts) == 1, f"{len(starts)} transmissions"
    data = ""
    for command in found[starts[0] :]:
        data += command.payload
        if command.keys["m"] == "0":
            break
    return base64.standard_b64decode(data)


def unwrap_tmux(written: str) -> str:
    """What tmux hands to the outer terminal from its passthrough sequences."""
    pieces = re.findall(r"\x1bPtmux;((?:\x1b\x1b|[^\x1b])*)\x1b\\", written)
    return "".join(piece.replace("\x1b\x1b", "\x1b") for piece in pieces)

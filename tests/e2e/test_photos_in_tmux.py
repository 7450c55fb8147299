"""The real `crm-tui` in tmux with terminal graphics forced. Kitty graphics: the photo goes to the
terminal through tmux's passthrough and the pane holds placeholder cells. Sixel: the picture is
written over the photo's cells, again after a dialog over it closes, never while it is covered.
A private report's photo never reaches the terminal either way."""

from __future__ import annotations

import io
import re
import sys
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.support.tmux import Tmux
from tests.widgets.kitty import commands, transmitted_png, unwrap_tmux
from tests.widgets.sixel import decode, sixels
from widgets import kitty_graphics as kitty

pytestmark = pytest.mark.slow  # a real console in a real terminal: seconds each

CRM_TUI = Path(sys.executable).parent / "crm-tui"
TERMINAL_SIZE = (120, 40)


def _numbers(server) -> tuple[str, str]:
    """A report with a photo the dispatcher may see, and a private one with a photo."""
    token = server.login("dispatcher")
    items = httpx.get(
        f"{server.base_url}/api/v1/reports",
        params={"limit": 200},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["items"]
    shown = next(i["number"] for i in items if not i["private"] and i["photo"] == "available")
    locked = next(i["number"] for i in items if i["private"] and i["photo"] == "locked")
    return shown, locked


def _jump(terminal: Tmux, number: str) -> None:
    terminal.type(":")
    terminal.wait_for("esc cancel", 10, "the command line")
    terminal.type(number)
    terminal.send("Enter")


def _start(terminal: Tmux, tmp_path: Path, server, photos: str) -> None:
    env = {
        "CRM_TUI_SERVER": server.base_url,
        "CRM_TUI_USERNAME": "dispatcher",
        "CRM_TUI_PASSWORD": "dispatcher-demo",
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "CRM_TUI_LANG": "en",
        "CRM_TUI_PHOTOS": photos,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    terminal.start([str(CRM_TUI)], env)


def test_photos_reach_the_terminal_as_kitty_graphics_and_private_ones_never(tmp_path, terminal, demo_server):
    shown, locked = _numbers(demo_server)
    _start(terminal, tmp_path, demo_server, "kitty")
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")

    def placeholder_rows(screen: str) -> list[str]:
        return [line[line.index(kitty.PLACEHOLDER) :] for line in screen.splitlines() if kitty.PLACEHOLDER in line]

    def whole_photo(screen: str) -> bool:
        # A capture can fall in the middle of a frame: wait for every row of the photo drawn.
        rows = placeholder_rows(screen)
        return bool(rows) and all(row.startswith(kitty.placeholder_cell(i, 0)) for i, row in enumerate(rows))

    _jump(terminal, shown)
    screen = terminal.wait_for(whole_photo, 30, "the photo's placeholder cells, every row")
    rows = placeholder_rows(screen)
    assert rows[0].startswith(kitty.placeholder_cell(0, 0) + kitty.placeholder_cell(0, 1))
    assert kitty.placeholder_cell(len(rows) - 1, 0) in rows[-1]

    # The cells' colour names the image the console sent.
    coloured = terminal.screen(colours=True)
    found = re.search(
        r"\x1b\[38;2;(\d+);(\d+);(\d+)m(?:\x1b\[[\d;]*m)*" + re.escape(kitty.placeholder_cell(0, 0)), coloured
    )
    assert found, "the placeholder cells carry no 24-bit colour"
    red, green, blue = map(int, found.groups())
    image_id = red << 16 | green << 8 | blue
    raw = terminal.raw().decode("utf-8", "replace")
    assert "\x1b_G" not in raw.replace("\x1b\x1b_G", "")  # all graphics inside tmux's passthrough
    sent = commands(unwrap_tmux(raw))
    photo = Image.open(io.BytesIO(transmitted_png(sent, image_id)))
    assert photo.width > 0 and not photo.info.get("exif")

    _jump(terminal, locked)
    terminal.wait_for(lambda s: "Photo locked" in s and kitty.PLACEHOLDER not in s, 30, "the locked notice")
    after = commands(unwrap_tmux(terminal.raw().decode("utf-8", "replace")))[len(sent) :]
    # Deleted when the private report came; nothing sent for it.
    assert [(c.keys.get("a"), c.keys.get("d"), c.keys.get("i")) for c in after] == [("d", "I", str(image_id))]

    # Leaving the console takes the photo on screen out of the terminal too.
    _jump(terminal, shown)
    terminal.wait_for(lambda s: kitty.PLACEHOLDER in s, 30, "the photo again")
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")
    found = commands(unwrap_tmux(terminal.raw().decode("utf-8", "replace")))
    sent_again = [c for c in found if c.keys.get("a") == "T"][-1]
    assert found[-1].keys == {"a": "d", "d": "I", "i": sent_again.keys["i"], "q": "2"}


def test_sixel_pictures_are_painted_over_the_photo_cells(tmp_path, terminal, demo_server):
    shown, locked = _numbers(demo_server)
    _start(terminal, tmp_path, demo_server, "sixel")
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")
    start = len(terminal.raw())

    _jump(terminal, shown)
    _wait_for_sixels(terminal, start, "the photo painted")
    raw = _settled(terminal)[start:].decode("ascii", "replace")
    # One sequence per line of the photo in view, each at the line's first cell, with the
    # cursor saved before and restored after. (A line may be painted more than once, as frames
    # redraw it while the report settles: always with the same picture.)
    placed = re.findall(r"\x1b7\x1b\[(\d+);(\d+)H(\x1bP[\d;]*q.*?\x1b\\)\x1b8", raw, re.S)
    assert [sequence for _, _, sequence in placed] == sixels(raw)
    by_row: dict[int, str] = {}
    for row, _, sequence in placed:
        assert by_row.setdefault(int(row) - 1, sequence) == sequence
    rows = sorted(by_row)
    assert rows == list(range(rows[0], rows[0] + len(rows))) and len({column for _, column, _ in placed}) == 1
    screen = terminal.screen().splitlines()
    assert "Photo" in screen[rows[0] - 1]  # under its heading
    assert rows[-1] < 40 - 1  # never the terminal's last line
    painted = set(by_row.values())
    for sequence in painted:
        # tmux reports its cells as 16x32 pixels: a line of the picture is at most 32 high.
        picture = decode(sequence)
        assert picture.height <= 32 and picture.width <= 120 * 16
        assert len(picture.pixels) == picture.width * picture.height  # every pixel painted

    # A dialog over it: Textual's cells replace the picture, and it is not painted while covered;
    # closed, the picture comes back.
    mark = len(terminal.raw())
    terminal.type("?")
    terminal.wait_for("Keys", 10, "the help screen")
    assert sixels(terminal.raw()[mark:].decode("ascii", "replace")) == []
    mark = len(terminal.raw())
    terminal.send("Escape")
    again = _wait_for_sixels(terminal, mark, "the photo painted again")
    assert again and set(again) <= painted

    # A private report: its photo is never painted, also when a dialog over it closes.
    mark = len(terminal.raw())
    _jump(terminal, locked)
    terminal.wait_for("Photo locked", 30, "the locked notice")
    # (Until it came, the photo on screen was the one before, repainted as the command line opened.)
    assert set(sixels(terminal.raw()[mark:].decode("ascii", "replace"))) <= painted
    mark = len(terminal.raw())
    terminal.type("?")
    terminal.wait_for("Keys", 10, "the help screen")
    terminal.send("Escape")
    terminal.wait_for(lambda s: "Keys" not in s and "Photo locked" in s, 10, "the locked notice again")
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")
    assert sixels(terminal.raw()[mark:].decode("ascii", "replace")) == []


def _wait_for_sixels(terminal: Tmux, start: int, what: str) -> list[str]:
    found: list[str] = []

    def painted(_screen: str) -> bool:
        found[:] = sixels(terminal.raw()[start:].decode("ascii", "replace"))
        return bool(found)

    terminal.wait_for(painted, 30, what)
    return found


def _settled(terminal: Tmux, quiet: float = 0.5, timeout: float = 30.0) -> bytes:
    """What the console wrote, once it has written nothing new for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    raw = terminal.raw()
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = terminal.raw()
        if now != raw:
            raw, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            return raw
    raise AssertionError("the console kept writing")

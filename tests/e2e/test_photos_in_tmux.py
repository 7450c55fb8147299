"""The real `crm-tui` in tmux with kitty graphics forced: the photo goes to the terminal through
tmux's passthrough and the pane holds placeholder cells; a private report's photo never does."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.support.tmux import Tmux
from tests.widgets.kitty import commands, transmitted_png, unwrap_tmux
from widgets import kitty_graphics as kitty

CRM_TUI = Path(sys.executable).parent / "crm-tui"


@pytest.fixture
def terminal(tmp_path):
    tmux = Tmux(tmp_path, width=120, height=40)
    yield tmux
    tmux.kill()


def _numbers(server) -> tuple[str, str]:
    """A report with a photo the dispatcher may see, and a private one with a photo."""
    token = server.login("dispatcher")
    items = httpx.get(
        f"{server.base_url}/api/v1/reports", params={"limit": 200},
        headers={"Authorization": f"Bearer {token}"}, timeout=10,
    ).json()["items"]
    shown = next(i["number"] for i in items if not i["private"] and i["photo"] == "available")
    locked = next(i["number"] for i in items if i["private"] and i["photo"] == "locked")
    return shown, locked


def _jump(terminal: Tmux, number: str) -> None:
    terminal.type(":")
    terminal.wait_for("esc cancel", 10, "the command line")
    terminal.type(number)
    terminal.send("Enter")


def test_photos_reach_the_terminal_as_kitty_graphics_and_private_ones_never(tmp_path, terminal, demo_server):
    shown, locked = _numbers(demo_server)
    env = {
        "CRM_TUI_SERVER": demo_server.base_url,
        "CRM_TUI_USERNAME": "dispatcher",
        "CRM_TUI_PASSWORD": "dispatcher-demo",
        "CRM_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "CRM_TUI_LANG": "en",
        "CRM_TUI_PHOTOS": "kitty",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    terminal.start([str(CRM_TUI)], env)
    terminal.wait_for(lambda s: "Sari Wulandari" in s and "reports" in s, 30, "the console")

    _jump(terminal, shown)
    screen = terminal.wait_for(lambda s: kitty.PLACEHOLDER in s, 30, "the photo's placeholder cells")
    rows = [line for line in screen.splitlines() if kitty.PLACEHOLDER in line]
    first = rows[0][rows[0].index(kitty.PLACEHOLDER):]
    assert first.startswith(kitty.placeholder_cell(0, 0) + kitty.placeholder_cell(0, 1))
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
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")
    after = commands(unwrap_tmux(terminal.raw().decode("utf-8", "replace")))[len(sent):]
    # Deleted when the private report came; nothing sent after it.
    assert [(c.keys.get("a"), c.keys.get("d"), c.keys.get("i")) for c in after] == [("d", "I", str(image_id))]

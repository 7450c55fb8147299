"""Which terminals get kitty graphics or sixel, and the console sending photos as kitty graphics
against the real server: available photos sent and drawn as placeholders, private ones never."""

from __future__ import annotations

import pytest

from crm_tui.app import CrmApp
from crm_tui.config import Config
from crm_tui.photo_mode import photo_mode
from tests.crm_tui.harness import main_loaded, until
from tests.widgets.kitty import Command, commands
from widgets import kitty_graphics as kitty
from widgets.photo_renderers import HalfBlockRenderer, KittyRenderer

KITTY = {"TERM": "xterm-kitty"}


@pytest.mark.parametrize(
    ("setting", "environ", "colours", "mode"),
    [
        ("auto", KITTY, "truecolor", "kitty"),
        ("auto", {"TERM": "xterm-ghostty"}, "truecolor", "kitty"),
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "ghostty"}, "truecolor", "kitty"),
        ("auto", {"TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"}, "truecolor", "kitty"),
        # Terminals that say nothing of graphics get cells.
        ("auto", {"TERM": "xterm-256color"}, "truecolor", "halfblock"),
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "vscode"}, "truecolor", "halfblock"),
        # A multiplexer passes graphics on only when configured to: forced, never guessed.
        ("auto", {**KITTY, "TMUX": "/tmp/tmux-1/default,1,0"}, "truecolor", "halfblock"),
        ("auto", {"TERM": "tmux-256color", "KITTY_WINDOW_ID": "3"}, "truecolor", "halfblock"),
        ("auto", {**KITTY, "STY": "1.pts-0"}, "truecolor", "halfblock"),
        ("kitty", {"TERM": "xterm-256color", "TMUX": "/tmp/tmux-1/default,1,0"}, "truecolor", "kitty"),
        # The image id travels as a 24-bit colour: without it, or without colour, cells.
        ("auto", KITTY, "256", "halfblock"),
        ("kitty", KITTY, "standard", "halfblock"),
        ("kitty", {**KITTY, "NO_COLOR": "1"}, "truecolor", "halfblock"),
        ("halfblock", KITTY, "truecolor", "halfblock"),
        # Sixel terminals, by TERM or by what they set themselves; colour depth does not matter.
        ("auto", {"TERM": "foot"}, "256", "sixel"),
        ("auto", {"TERM": "foot-extra"}, "truecolor", "sixel"),
        ("auto", {"TERM": "mlterm-256color"}, "standard", "sixel"),
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, "truecolor", "sixel"),
        (
            "auto",
            {"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app", "TERM_PROGRAM_VERSION": "3.5.4"},
            "truecolor",
            "sixel",
        ),
        (
            "auto",
            {"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app", "TERM_PROGRAM_VERSION": "3.4.23"},
            "truecolor",
            "halfblock",
        ),
        ("auto", {"TERM": "xterm-256color", "KONSOLE_VERSION": "230805"}, "truecolor", "sixel"),
        ("auto", {"TERM": "xterm-256color", "KONSOLE_VERSION": "211201"}, "truecolor", "halfblock"),
        ("auto", {"TERM": "foot", "TMUX": "/tmp/tmux-1/default,1,0"}, "truecolor", "halfblock"),
        ("auto", {"TERM": "foot", "NO_COLOR": "1"}, "truecolor", "halfblock"),
        ("sixel", {"TERM": "xterm-256color", "TMUX": "/tmp/tmux-1/default,1,0"}, "256", "sixel"),
    ],
)
def test_photo_mode(setting, environ, colours, mode, monkeypatch):
    monkeypatch.setattr("crm_tui.photo_mode.cell_pixels", lambda: (10, 20))
    assert photo_mode(setting, environ, colours) == mode


def test_auto_keeps_half_blocks_where_the_terminal_gives_no_size_in_pixels(monkeypatch):
    monkeypatch.setattr("crm_tui.photo_mode.cell_pixels", lambda: None)
    assert photo_mode("auto", {"TERM": "foot"}, "truecolor") == "halfblock"


class RecordingApp(CrmApp):
    """The console, with what it writes to the terminal itself kept (headless, it goes nowhere)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.written: list[str] = []

    def write_to_terminal(self, data: str) -> None:
        self.written.append(data)

    def take(self) -> list[Command]:
        text, self.written = "".join(self.written), []
        return commands(text)


@pytest.mark.slow
async def test_kitty_console_sends_available_photos_and_never_private_ones(demo_server, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-kitty")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = RecordingApp(Config(server=demo_server.base_url), credentials=("dispatcher", "dispatcher-demo"))
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: main_loaded(app))
        screen = app.screen
        photo = screen.detail.photo
        assert isinstance(photo.renderer, KittyRenderer)
        live: int | None = None  # the image id the terminal holds, as far as the console wrote
        seen_private = seen_photo = 0
        for _ in range(60):
            report = screen.current
            if report.photo_info.state == "available" and not report.private:
                await until(pilot, lambda: photo.state == "shown" and photo.renderer.image_id, "the photo sent")
                await pilot.pause()
            for command in app.take():
                if command.keys.get("a") == "T":
                    assert live is None, "a second image while one is held"
                    live = int(command.keys["i"])
                elif command.keys.get("a") == "d" and command.keys["d"] == "I":
                    assert int(command.keys["i"]) == live
                    live = None
            if report.private:
                seen_private += 1
                assert live is None and photo.state == "locked"
                cells = [photo.render_line(y).text for y in range(photo.size.height)]
                assert not any(kitty.PLACEHOLDER in line for line in cells)
            elif report.photo_info.state == "available":
                seen_photo += 1
                assert live == photo.renderer.image_id
                top = list(photo.render_line(0))
                assert top[0].text == kitty.placeholder_cell(0, 0)
                assert top[0].style.color.triplet == kitty.id_colour(live)
            if seen_private >= 3 and seen_photo >= 2:
                break
            before = report.number
            await pilot.press("j")
            await until(pilot, lambda before=before: screen.current.number != before, "the next report")
        assert seen_private >= 3 and seen_photo >= 2


async def test_plain_terminals_keep_half_blocks(demo_server, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")  # colour enough: it is the terminal that decides
    for name in ("TERM_PROGRAM", "KITTY_WINDOW_ID", "TMUX"):
        monkeypatch.delenv(name, raising=False)
    app = RecordingApp(Config(server=demo_server.base_url), credentials=("dispatcher", "dispatcher-demo"))
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: main_loaded(app))
        assert isinstance(app.screen.detail.photo.renderer, HalfBlockRenderer)
    assert app.written == []

"""Photos through the kitty graphics protocol: the escape sequences, the placeholder cells, and
the panel sending, resizing and deleting the image as reports come and go."""

from __future__ import annotations

import io
import unicodedata

from PIL import Image

from tests.widgets import fixtures
from tests.widgets.hosts import PhotoHost
from tests.widgets.kitty import commands, transmitted_png, unwrap_tmux
from widgets import kitty_graphics as kitty
from widgets.photo_panel import decode_image
from widgets.photo_renderers import KittyRenderer, fit_cells

# Combining marks the protocol leaves out: normalisation can fuse them with a base letter.
_EXCLUDED = {
    0x0300,
    0x0301,
    0x0302,
    0x0303,
    0x0304,
    0x0306,
    0x0307,
    0x0308,
    0x0309,
    0x030A,
    0x030B,
    0x030C,
    0x030F,
    0x0311,
    0x0313,
    0x0314,
    0x0342,
    0x0653,
    0x0654,
}


class Recorder:
    def __init__(self) -> None:
        self.written: list[str] = []

    def __call__(self, data: str) -> None:
        self.written.append(data)

    def take(self) -> str:
        text, self.written = "".join(self.written), []
        return text


def test_the_diacritics_are_the_protocols_table() -> None:
    codes = [ord(c) for c in kitty.DIACRITICS]
    assert len(codes) == 297 and codes == sorted(codes)
    assert codes[:8] == [0x0305, 0x030D, 0x030E, 0x0310, 0x0312, 0x033D, 0x033E, 0x033F]
    assert codes[-3:] == [0x1D242, 0x1D243, 0x1D244]
    for char in kitty.DIACRITICS:
        assert unicodedata.category(char) == "Mn" and unicodedata.combining(char) == 230
        assert unicodedata.decomposition(char) == "" and ord(char) not in _EXCLUDED


def test_a_transmission_is_chunked_quiet_and_carries_the_png() -> None:
    png = fixtures.photo_png(300, 200)
    found = commands(kitty.transmit_and_place(0x123456, png, columns=30, rows=10))
    first, *rest = found
    assert first.keys == {
        "a": "T",
        "U": "1",
        "f": "100",
        "t": "d",
        "i": str(0x123456),
        "c": "30",
        "r": "10",
        "C": "1",
        "q": "2",
        "m": "1" if rest else "0",
    }
    assert all(command.keys["q"] == "2" for command in found)  # no replies on the console's input
    assert [command.keys["m"] for command in found] == ["1"] * (len(found) - 1) + ["0"]
    assert all(len(command.payload) <= kitty.CHUNK for command in found)
    assert transmitted_png(found) == png


def test_placing_again_and_deleting() -> None:
    moved = commands(kitty.place(7, columns=12, rows=4))
    assert [c.keys for c in moved] == [
        {"a": "d", "d": "i", "i": "7", "q": "2"},  # the old placement, keeping the image
        {"a": "p", "U": "1", "i": "7", "c": "12", "r": "4", "C": "1", "q": "2"},
    ]
    assert [c.keys for c in commands(kitty.delete(7))] == [{"a": "d", "d": "I", "i": "7", "q": "2"}]


def test_tmux_passthrough_doubles_every_escape() -> None:
    sequence = kitty.delete(9) + kitty.place(9, 2, 2)
    wrapped = kitty.tmux_passthrough(sequence)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b_G") and wrapped.endswith("\x1b\x1b\\\x1b\\")
    assert unwrap_tmux(wrapped) == sequence


def test_placeholder_cells_name_their_row_and_column() -> None:
    cell = kitty.placeholder_cell(2, 40)
    assert cell == "\U0010eeee" + kitty.DIACRITICS[2] + kitty.DIACRITICS[40]
    assert kitty.id_colour(0xA1B2C3) == (0xA1, 0xB2, 0xC3)


def test_the_renderer_sends_once_and_draws_placeholders_in_the_id_colour() -> None:
    write = Recorder()
    renderer = KittyRenderer(write, new_id=lambda: 0x00BEEF)
    image = decode_image(fixtures.photo_png(64, 48))
    strips = renderer.render(image, width=40, max_rows=12)
    # 4:3 in 40 columns would take 15 rows; capped at 12, it takes 32 columns.
    assert (strips[0].cell_length, len(strips)) == fit_cells(64, 48, 40, 12) == (32, 12)
    for row, strip in enumerate(strips):
        segments = list(strip)
        assert len(segments) == strip.cell_length  # one segment per cell
        for column, segment in enumerate(segments):
            assert segment.text == kitty.placeholder_cell(row, column)
            assert segment.style.color.triplet == (0x00, 0xBE, 0xEF)
    found = commands(write.take())
    sent = Image.open(io.BytesIO(transmitted_png(found)))
    assert found[0].keys["i"] == str(0xBEEF) and (found[0].keys["c"], found[0].keys["r"]) == ("32", "12")
    assert sent.size == (64, 48)  # smaller than 32x12 cells: sent as it is
    big = decode_image(fixtures.photo_png(1200, 900))
    KittyRenderer(write, new_id=lambda: 1).render(big, width=30, max_rows=12)
    sent = Image.open(io.BytesIO(transmitted_png(commands(write.take()))))
    assert sent.width <= 30 * 12 and sent.height <= 12 * 24  # no more pixels than the cells show

    # The same image at another width: a new placement, not a new transmission.
    narrower = renderer.render(image, width=20, max_rows=12)
    assert narrower[0].cell_length == 20
    assert [c.keys["a"] for c in commands(write.take())] == ["d", "p"]
    renderer.render(image, width=20, max_rows=12)
    assert write.take() == ""

    # Another image replaces it: the first is deleted, the second sent under a new id.
    ids = iter([0x111111])
    renderer._new_id = lambda: next(ids)
    renderer.render(decode_image(fixtures.photo_png(10, 10)), width=20, max_rows=12)
    found = commands(write.take())
    assert found[0].keys == {"a": "d", "d": "I", "i": str(0xBEEF), "q": "2"}
    assert found[1].keys["a"] == "T" and found[1].keys["i"] == str(0x111111)
    renderer.release()
    assert [c.keys for c in commands(write.take())] == [{"a": "d", "d": "I", "i": str(0x111111), "q": "2"}]
    renderer.release()
    assert write.take() == ""  # nothing left to delete


def test_inside_tmux_everything_goes_through_passthrough() -> None:
    write = Recorder()
    renderer = KittyRenderer(write, tmux=True, new_id=lambda: 5)
    renderer.render(decode_image(fixtures.photo_png(16, 16)), width=10, max_rows=5)
    written = write.take()
    assert "\x1b_G" not in written.replace("\x1b\x1b_G", "")  # nothing unwrapped
    found = commands(unwrap_tmux(written))
    assert found[0].keys["a"] == "T" and found[0].keys["i"] == "5"


async def test_the_panel_draws_placeholders_and_deletes_the_photo_when_it_leaves() -> None:
    write = Recorder()
    app = PhotoHost(KittyRenderer(write, new_id=lambda: 0x0A0B0C))
    async with app.run_test(size=(50, 16)) as pilot:
        app.photo.show_image(fixtures.photo_png(64, 48))
        await pilot.pause()
        lines = [app.photo.render_line(y) for y in range(app.photo.size.height)]
        cells = [segment.text for line in lines for segment in line if segment.text.startswith(kitty.PLACEHOLDER)]
        assert cells and cells[0] == kitty.placeholder_cell(0, 0)
        found = commands(write.take())
        assert [c.keys["a"] for c in found][:1] == ["T"] and found[0].keys["i"] == str(0x0A0B0C)

        app.photo.show_locked()  # a private report comes next
        await pilot.pause()
        assert [c.keys for c in commands(write.take())] == [{"a": "d", "d": "I", "i": str(0x0A0B0C), "q": "2"}]
        text = "".join(app.photo.render_line(y).text for y in range(app.photo.size.height))
        assert kitty.PLACEHOLDER not in text and "Foto dikunci" in text

        app.photo.show_image(fixtures.photo_png(64, 48))
        await pilot.pause()
        assert commands(write.take())[0].keys["a"] == "T"
    # Leaving the console takes the photo out of the terminal too.
    assert [c.keys["a"] + c.keys["d"] for c in commands(write.take())] == ["dI"]


async def test_an_undecodable_photo_sends_nothing() -> None:
    write = Recorder()
    app = PhotoHost(KittyRenderer(write))
    async with app.run_test(size=(50, 16)) as pilot:
        app.photo.show_image(b"\x89PNG\r\n\x1a\nnot really")
        await pilot.pause()
        assert app.photo.state == "error"
    assert write.take() == ""

"""The sixel painter: which lines of a photo it paints after a frame, and where."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import Static

from crm_tui.sixel_painter import SixelPainter
from crm_tui.textual_internals import Span
from tests.crm_tui.harness import until
from tests.widgets import fixtures
from tests.widgets.sixel import decode
from widgets.photo_panel import PhotoPanel
from widgets.photo_renderers import SixelRenderer

_PAINT = re.compile(r"\x1b7\x1b\[(\d+);(\d+)H(\x1bP[\d;]*q.*?\x1b\\)\x1b8", re.S)


class PhotoScreenApp(App):
    """A photo in a scrolling pane under a heading, and a box that can be laid over it."""

    CSS = """
    Screen { layers: base over; }
    #pane { height: 1fr; }
    #cover { layer: over; display: none; width: 6; height: 2; offset: 4 5; }
    #cover.-shown { display: block; }
    #heading { height: 3; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []
        self.painter = SixelPainter(self, self.written.append)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="pane"):
            yield Static("Photo", id="heading")
            yield PhotoPanel(id="photo", renderer=SixelRenderer(lambda: (10, 20)))
            yield Static("\n" * 30, id="below")
        yield Static("over", id="cover")

    @property
    def photo(self) -> PhotoPanel:
        return self.query_one(PhotoPanel)

    def painted(self) -> dict[int, str]:
        """Screen line -> the sixel painted there, from what was written since last asked."""
        text, self.written[:] = "".join(self.written), []
        found = {}
        for row, column, sequence in _PAINT.findall(text):
            assert int(column) - 1 == self.photo.photo_region().x
            found[int(row) - 1] = sequence
        assert "".join(m.group(0) for m in _PAINT.finditer(text)) == text, "something else was written"
        return found


def _whole(app: App) -> list[Span]:
    """The spans of a frame that redraws the whole screen."""
    return [(y, 0, app.size.width) for y in range(app.size.height)]


async def _shown(app: PhotoScreenApp, pilot) -> Region:
    app.photo.show_image(fixtures.photo_png(64, 48))
    await pilot.pause()
    box = app.photo.photo_region()
    app.painter.after_frame(app.screen, _whole(app))  # the first frame: the picture is encoded
    assert app.painted() == {}
    await until(pilot, lambda: app.photo.renderer.lines is not None, "the picture encoded")
    return box


async def test_a_frame_over_the_photo_paints_each_of_its_lines_where_it_is() -> None:
    app = PhotoScreenApp()
    async with app.run_test(size=(40, 20)) as pilot:
        box = await _shown(app, pilot)
        assert (box.x, box.y, box.height) == (1, 3, 12)
        app.painter.after_frame(app.screen, _whole(app))
        painted = app.painted()
        assert sorted(painted) == list(range(3, 15))
        assert [decode(painted[y]).height for y in sorted(painted)] == [20] * 12
        assert painted[3] == app.photo.renderer.lines[0] and painted[14] == app.photo.renderer.lines[11]


async def test_only_the_lines_a_frame_redrew_are_painted() -> None:
    app = PhotoScreenApp()
    async with app.run_test(size=(40, 20)) as pilot:
        box = await _shown(app, pilot)
        app.painter.after_frame(app.screen, [(5, 0, 40), (6, 10, 12), (17, 0, 40)])
        assert sorted(app.painted()) == [5, 6]
        beside = box.right + 1
        app.painter.after_frame(app.screen, [(7, beside, beside + 3)])
        assert app.painted() == {}


async def test_lines_under_another_widget_or_out_of_view_are_not_painted() -> None:
    app = PhotoScreenApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await _shown(app, pilot)
        app.query_one("#cover").add_class("-shown")  # lines 5 and 6, over the photo
        await pilot.pause()
        app.painter.after_frame(app.screen, _whole(app))
        assert sorted(app.painted()) == [3, 4, *range(7, 15)]
        app.query_one("#cover").remove_class("-shown")
        app.query_one("#pane").scroll_to(y=5, animate=False)  # the photo's first 2 lines scroll away
        await pilot.pause()
        box = app.photo.photo_region()
        assert box.y == -2
        app.painter.after_frame(app.screen, _whole(app))
        painted = app.painted()
        assert sorted(painted) == list(range(0, 10))
        assert painted[0] == app.photo.renderer.lines[2]


async def test_never_the_last_line_of_the_screen() -> None:
    app = PhotoScreenApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await _shown(app, pilot)
        app.painter.after_frame(app.screen, _whole(app))
        assert max(app.painted()) == 10  # line 11 is the screen's last


async def test_a_photo_replaced_before_its_picture_is_ready_is_never_painted() -> None:
    app = PhotoScreenApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.photo.show_image(fixtures.photo_png(64, 48))
        await pilot.pause()
        app.painter.after_frame(app.screen, _whole(app))  # encoding starts
        app.photo.show_locked()  # a private report comes before it is done
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.painter.after_frame(app.screen, _whole(app))
        assert app.painted() == {} and app.photo.renderer.lines is None

"""Sixel pictures painted over their blank cells after the frames that redraw those cells.

A sixel picture lives outside Textual's cell grid, so it cannot be part of a frame: Textual
crops lines by cell count, and a crop through a sixel sequence would send the terminal half an
escape sequence. Instead the photo panel holds blank cells (`SixelRenderer`), and after each
frame the console writes the picture's lines over the cells that frame redrew, each line only
when all of it is on screen with nothing over it. Whatever Textual draws over the cells later (a
toast, a dialog, the lock screen, another report) replaces the picture there, as text does in
sixel terminals; the next frame that redraws those cells uncovered paints them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.control import Control
from textual.errors import NoWidget

from widgets.photo_panel import PhotoPanel
from widgets.photo_renderers import SixelJob, SixelRenderer

if TYPE_CHECKING:
    from textual.app import App
    from textual.geometry import Region
    from textual.screen import Screen

    from crm_tui.textual_internals import Span

SAVE_CURSOR, RESTORE_CURSOR = "\x1b7", "\x1b8"


def redrawn_lines(spans: list[Span], box: Region) -> set[int]:
    """The lines of `box` (screen y) in which a frame that wrote `spans` wrote a cell."""
    lines = range(box.y, box.bottom)
    return {y for y, x1, x2 in spans if y in lines and x1 < box.right and x2 > box.x}


def uncovered(screen: Screen, panel: PhotoPanel, box: Region, y: int) -> bool:
    """Whether every cell of line `y` of `box` shows `panel`: in view, and under no other widget
    (a toast). Never the screen's last line: a picture there could scroll the terminal."""
    if not 0 <= y < screen.size.height - 1 or box.x < 0 or box.right > screen.size.width:
        return False
    try:
        return all(screen.get_widget_at(x, y)[0] is panel for x in range(box.x, box.right))
    except NoWidget:
        return False


class SixelPainter:
    """Paints, after each frame of `app`, the lines of sixel photos that frame redrew."""

    def __init__(self, app: App, write: Callable[[str], None]) -> None:
        self._app = app
        self._write = write
        self._encoding: dict[int, SixelJob] = {}  # renderer id -> the job being encoded for it

    def after_frame(self, screen: Screen, spans: list[Span]) -> None:
        """After a frame of `screen` that wrote the cells of `spans` (see `redrawn_spans`)."""
        for panel in screen.query(PhotoPanel):
            renderer = panel.renderer
            box = panel.photo_region()
            if not isinstance(renderer, SixelRenderer) or box is None:
                continue
            lines = sorted(y for y in redrawn_lines(spans, box) if uncovered(screen, panel, box, y))
            if not lines:
                continue
            if renderer.lines is not None:
                self._write(
                    "".join(
                        SAVE_CURSOR
                        + Control.move_to(box.x, y).segment.text
                        + renderer.lines[y - box.y]
                        + RESTORE_CURSOR
                        for y in lines
                        if y - box.y < len(renderer.lines)
                    )
                )
            elif (job := renderer.job) is not None and self._encoding.get(id(renderer)) is not job:
                self._encode(panel, renderer, job)

    def _encode(self, panel: PhotoPanel, renderer: SixelRenderer, job: SixelJob) -> None:
        app = self._app
        self._encoding[id(renderer)] = job

        def encode() -> None:
            lines = job.encode()
            app.call_from_thread(done, lines)

        def done(lines: list[str]) -> None:
            if self._encoding.get(id(renderer)) is job:
                del self._encoding[id(renderer)]
            if renderer.accept(job, lines):
                panel.refresh()  # a frame that redraws the cells, and so paints the picture

        app.run_worker(encode, name="sixel", group="sixel", thread=True, exit_on_error=False)

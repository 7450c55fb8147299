"""The ways a decoded photo becomes terminal lines.

`HalfBlockRenderer` works in every colour terminal: "▀" cells, two pixels each. `KittyRenderer`
sends the photo itself to terminals that implement the kitty graphics protocol's Unicode
placeholders and fills the cells with placeholders (see `kitty_graphics`). `SixelRenderer`
keeps blank cells and a sixel picture of their exact size in pixels, which the console paints
over them after each frame that redraws them (`crm_tui.sixel_painter`). Which one a console
uses is its choice (`crm_tui.photo_mode`).
"""

from __future__ import annotations

import io
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from widgets import kitty_graphics as kitty
from widgets import sixel_graphics

if TYPE_CHECKING:
    from PIL.Image import Image

# Pixels a terminal cell is given when a photo is sent to the terminal: a generous cell (most
# are about 10x20), so the terminal scales down, never up, while an SSH link carries no more
# than the cells can show.
SENT_PIXELS_PER_CELL = (12, 24)


class PhotoRenderer(Protocol):
    """Turns a decoded image into terminal lines `width` cells wide at most."""

    def render(self, image: Image, width: int, max_rows: int) -> list[Strip]: ...

    def release(self) -> None:
        """The lines last rendered are no longer shown: free what the terminal holds for them."""


def fit_cells(pixel_width: int, pixel_height: int, width: int, max_rows: int) -> tuple[int, int] | None:
    """Columns and rows for a photo `width` cells wide at most and `max_rows` high at most,
    keeping its aspect ratio with cells twice as tall as wide. None when nothing fits."""
    if width <= 0 or max_rows <= 0 or pixel_width <= 0 or pixel_height <= 0:
        return None
    columns = width
    half_rows = max(2, round(pixel_height * columns / pixel_width))  # cells are two "pixels" tall
    if half_rows > 2 * max_rows:
        half_rows = 2 * max_rows
        columns = max(1, round(pixel_width * half_rows / pixel_height))
    return columns, (half_rows + 1) // 2


class HalfBlockRenderer:
    """Two pixels per cell: "▀" painted with the upper pixel, on the lower one as background.
    A cell is about twice as tall as wide, so a cell's two pixels are square: the aspect ratio
    is the image's."""

    def render(self, image: Image, width: int, max_rows: int) -> list[Strip]:
        from PIL.Image import Resampling

        box = fit_cells(image.width, image.height, width, max_rows)
        if box is None:
            return []
        columns, rows = box
        pixel_rows = 2 * rows
        rgb = image.resize((columns, pixel_rows), Resampling.BILINEAR).convert("RGB").tobytes()
        line = 3 * columns
        styles: dict[tuple[bytes, bytes], Style] = {}
        strips = []
        for y in range(0, pixel_rows, 2):
            segments = []
            for x in range(0, line, 3):
                upper = y * line + x
                pair = (rgb[upper : upper + 3], rgb[upper + line : upper + line + 3])
                style = styles.get(pair)
                if style is None:
                    style = styles[pair] = Style(color=Color.from_rgb(*pair[0]), bgcolor=Color.from_rgb(*pair[1]))
                segments.append(Segment("▀", style))
            strips.append(Strip(segments, columns).simplify())
        return strips

    def release(self) -> None:
        """Nothing is held outside the cells."""


def _new_image_id() -> int:
    # Random rather than counted: another program in the same terminal (or an earlier console)
    # may hold low ids, and an id in use would show its picture in our cells.
    return secrets.randbelow(kitty.MAX_IMAGE_ID) + 1


class KittyRenderer:
    """Sends the photo through `write` (to the terminal, in order with Textual's output) and
    returns lines of placeholder cells. The terminal keeps one photo at a time: a new image,
    or `release`, deletes the one before. Needs 24-bit colour output, which carries the id."""

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        tmux: bool = False,
        new_id: Callable[[], int] = _new_image_id,
    ) -> None:
        self._write = write
        self._tmux = tmux
        self._new_id = new_id
        self._image: Image | None = None
        self._image_id: int | None = None
        self._box: tuple[int, int] | None = None

    @property
    def image_id(self) -> int | None:
        """The id of the image the terminal holds for us, if any."""
        return self._image_id

    def render(self, image: Image, width: int, max_rows: int) -> list[Strip]:
        box = fit_cells(image.width, image.height, min(width, kitty.MAX_SPAN), min(max_rows, kitty.MAX_SPAN))
        if box is None:
            return []
        columns, rows = box
        if image is not self._image or self._image_id is None:
            self.release()
            self._image, self._image_id = image, self._new_id()
            self._send(kitty.transmit_and_place(self._image_id, _png(image, columns, rows), columns, rows))
        elif box != self._box:
            self._send(kitty.place(self._image_id, columns, rows))
        self._box = box
        style = Style(color=Color.from_rgb(*kitty.id_colour(self._image_id)))
        # One segment per cell: Textual crops lines at segment boundaries when a dialog or the
        # pane's edge cuts them, and a cell's diacritics must stay with their placeholder.
        return [
            Strip([Segment(kitty.placeholder_cell(row, column), style) for column in range(columns)], columns)
            for row in range(rows)
        ]

    def release(self) -> None:
        if self._image_id is not None:
            self._send(kitty.delete(self._image_id))
        self._image = self._image_id = self._box = None

    def _send(self, sequence: str) -> None:
        self._write(kitty.tmux_passthrough(sequence) if self._tmux else sequence)


CellSize = tuple[int, int]  # a terminal cell's width and height in pixels


class SixelRenderer:
    """Blank cells, and the picture to paint over them: the photo scaled to fit `width` cells by
    `max_rows` at the terminal's cell size in pixels, as one sixel sequence per line of cells
    (so the lines in view can be painted when the rest is scrolled away or covered). Encoding
    takes tens of milliseconds, so the console runs `encode` in a thread and hands the result
    back with `accept`. Without a known cell size it draws half-blocks instead."""

    def __init__(self, cell_size: Callable[[], CellSize | None]) -> None:
        self._cell_size = cell_size
        self._fallback = HalfBlockRenderer()
        self._job: SixelJob | None = None
        self.lines: list[str] | None = None
        """The picture for the cells last rendered, one sequence per line, once encoded."""

    def render(self, image: Image, width: int, max_rows: int) -> list[Strip]:
        cell = self._cell_size()
        if cell is None:
            self.release()
            return self._fallback.render(image, width, max_rows)
        if width <= 0 or max_rows <= 0 or image.width == 0 or image.height == 0:
            self.release()
            return []
        cell_width, cell_height = cell
        scale = min(width * cell_width / image.width, max_rows * cell_height / image.height)
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        job = self._job
        if job is None or job.image is not image or (job.size, job.cell_height) != (size, cell_height):
            self._job, self.lines = SixelJob(image, size, cell_height), None
        return [Strip.blank(math.ceil(size[0] / cell_width))] * math.ceil(size[1] / cell_height)

    @property
    def job(self) -> SixelJob | None:
        """What `encode` needs for the current cells, while their picture is still to be made."""
        return self._job if self.lines is None else None

    def accept(self, job: SixelJob, lines: list[str]) -> bool:
        """Keep `lines` if `job` is still what the cells show; whether they were kept."""
        if job is not self._job:
            return False
        self.lines = lines
        return True

    def release(self) -> None:
        """Nothing is held in the terminal: Textual's next frame writes over the picture."""
        self._job = self.lines = None


@dataclass(frozen=True, eq=False)
class SixelJob:
    image: Image
    size: tuple[int, int]  # pixels
    cell_height: int

    def encode(self) -> list[str]:
        """The picture, one sixel sequence per line of cells (thread-safe: reads the image only)."""
        from PIL.Image import Resampling

        return sixel_graphics.encode_rows(self.image.resize(self.size, Resampling.LANCZOS), self.cell_height)


def _png(image: Image, columns: int, rows: int) -> bytes:
    """The photo as PNG, no larger than the cells can show."""
    cell_width, cell_height = SENT_PIXELS_PER_CELL
    sent = image.copy()
    sent.thumbnail((columns * cell_width, rows * cell_height))
    buffer = io.BytesIO()
    sent.save(buffer, format="PNG")
    return buffer.getvalue()

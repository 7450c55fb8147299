"""A report's photo, drawn in the terminal, or the reason it is not.

A private report's photo is locked: the panel says so and the photo is never asked for. Other
photos are drawn by a `PhotoRenderer` (`photo_renderers`): half-block cells by default, which
every colour terminal shows, or kitty graphics or sixel where the console chose them.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from widgets import safe_text
from widgets.i18n import Texts
from widgets.photo_renderers import HalfBlockRenderer, PhotoRenderer

if TYPE_CHECKING:
    from PIL.Image import Image

PhotoPanelState = Literal["locked", "none", "loading", "shown", "error"]

MAX_SOURCE_SIDE = 640  # pixels kept after decoding: more than any panel can show in cells
MAX_PIXELS = 40_000_000  # refuse to decode images claiming more (decompression bombs)
MAX_ROWS = 12  # terminal lines a photo may take: the fields around it must stay in view

TEXTS = Texts(
    id={
        "locked": "Foto dikunci: laporan bersifat privasi",
        "none": "Tidak ada foto.",
        "loading": "Memuat foto…",
        "bad_image": "Foto tidak dapat ditampilkan.",
    },
    en={
        "locked": "Photo locked: this report is private",
        "none": "No photo.",
        "loading": "Loading photo…",
        "bad_image": "The photo cannot be shown.",
    },
)


def decode_image(data: bytes) -> Image:
    """The image in `data`, reduced to at most MAX_SOURCE_SIDE pixels a side, in RGB.
    Raises ValueError for anything Pillow cannot or should not decode."""
    from PIL import Image as PILImage

    try:
        source = PILImage.open(io.BytesIO(data))
        if source.width * source.height > MAX_PIXELS:
            raise ValueError("image too large")
        source.draft("RGB", (MAX_SOURCE_SIDE, MAX_SOURCE_SIDE))  # JPEG: decode at a reduced scale
        image = source.convert("RGB")
        image.thumbnail((MAX_SOURCE_SIDE, MAX_SOURCE_SIDE))
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as exc:
        raise ValueError("undecodable image") from exc
    return image


class PhotoPanel(Widget):
    """Shows one of: the locked notice, "no photo", loading, the photo, or an error."""

    DEFAULT_CSS = """
    PhotoPanel {
        height: auto;
        padding: 0 1;
        color: $text-muted;
        &.-locked {
            background: $warning-muted;
            color: $text-warning;
            text-style: bold;
        }
        &.-error { color: $text-error; }
    }
    """

    def __init__(
        self,
        *,
        renderer: PhotoRenderer | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.renderer: PhotoRenderer = renderer or HalfBlockRenderer()
        self.max_rows = MAX_ROWS
        self._state: PhotoPanelState = "none"
        self._message = ""
        self._image: Image | None = None
        self._strips: tuple[int, list[Strip]] | None = None
        self.set_class(True, "-none")

    @property
    def state(self) -> PhotoPanelState:
        return self._state

    def show_locked(self) -> None:
        """A private report: the notice in place of the photo."""
        self._set_state("locked", TEXTS("locked"))

    def show_none(self) -> None:
        self._set_state("none", TEXTS("none"))

    def show_loading(self) -> None:
        self._set_state("loading", TEXTS("loading"))

    def show_error(self, text: str) -> None:
        self._set_state("error", safe_text.line(text))

    def show_image(self, data: bytes) -> None:
        """Decode and draw `data` (JPEG, PNG, ...); an undecodable image shows an error."""
        try:
            image = decode_image(data)
        except ValueError:
            self.show_error(TEXTS("bad_image"))
            return
        self._set_state("shown", "", image)

    def _set_state(self, state: PhotoPanelState, message: str, image: Image | None = None) -> None:
        if self._image is not None:
            self.renderer.release()  # the photo leaves the screen, and the terminal if it was sent there
        self.remove_class(f"-{self._state}")
        self._state = state
        self._message = message
        self._image = image
        self._strips = None
        self.add_class(f"-{state}")
        self.refresh(layout=True)

    def photo_region(self) -> Region | None:
        """Where the photo's cells are on the screen, while a photo is shown."""
        if self._state != "shown" or self._strips is None or not self._strips[1]:
            return None
        strips = self._strips[1]
        content = self.content_region
        return Region(content.x, content.y, strips[0].cell_length, len(strips))

    def on_unmount(self) -> None:
        if self._image is not None:
            self.renderer.release()

    def _image_strips(self, width: int) -> list[Strip]:
        if self._image is None:
            return []
        if self._strips is None or self._strips[0] != width:
            self._strips = (width, self.renderer.render(self._image, width, self.max_rows))
        return self._strips[1]

    def render(self) -> RenderResult:
        return Content(self._message)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._state == "shown":
            return len(self._image_strips(width))
        return super().get_content_height(container, viewport, width)

    def render_line(self, y: int) -> Strip:
        if self._state != "shown":
            return super().render_line(y)
        width = self.size.width
        strips = self._image_strips(width)
        if y >= len(strips):
            return Strip.blank(width, self.rich_style)
        return strips[y].adjust_cell_length(width, self.rich_style)

"""Photos as sixel: the encoder read back pixel by pixel, and the renderer's cells and jobs."""

from __future__ import annotations

from PIL import Image

from tests.widgets import fixtures
from tests.widgets.hosts import PhotoHost
from tests.widgets.sixel import decode, sixels
from widgets.photo_panel import decode_image
from widgets.photo_renderers import SixelRenderer
from widgets.sixel_graphics import MAX_COLOURS, encode_rows


def _percent(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(value * 100 // 255 for value in rgb)


def test_every_pixel_reads_back_in_its_palette_colour() -> None:
    image = Image.effect_noise((37, 29), 80).convert("RGB")  # many colours, odd sizes
    lines = encode_rows(image, row_height=10)
    assert len(lines) == 3 and all(len(sixels(line)) == 1 for line in lines)
    indexed = image.quantize(MAX_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette, pixels = indexed.getpalette(), indexed.load()
    for number, line in enumerate(lines):
        picture = decode(line)
        assert picture.width == 37 and picture.height == (10 if number < 2 else 9)
        assert len(picture.pixels) == picture.width * picture.height  # each painted once, none missing
        for (x, y), colour in picture.pixels.items():
            index = pixels[x, number * 10 + y]
            assert colour == _percent(tuple(palette[3 * index : 3 * index + 3]))


def test_runs_are_compressed_and_the_output_is_plain_ascii() -> None:
    image = Image.new("RGB", (300, 12), (10, 200, 30))
    (line,) = encode_rows(image, row_height=12)
    assert "!300" in line and len(line) < 120
    body = line[2:-2]  # between DCS's ESC P and the closing ESC \
    assert "\x1b" not in body and all(32 <= ord(char) < 127 for char in body)
    assert decode(line).pixels[(299, 11)] == _percent((10, 200, 30))


def test_the_renderer_fits_the_cells_and_hands_out_one_job() -> None:
    renderer = SixelRenderer(lambda: (10, 20))
    image = decode_image(fixtures.photo_png(400, 300))
    strips = renderer.render(image, width=30, max_rows=12)
    # 30 cells of 10 px: 300 x 225 px, on ceil(225 / 20) = 12 lines of blank cells.
    assert len(strips) == 12 and {strip.cell_length for strip in strips} == {30}
    assert {strip.text for strip in strips} == {" " * 30}
    job = renderer.job
    assert job is not None and job.size == (300, 225) and job.cell_height == 20
    # The same cells again: the same job; a new width: a new one, and the old one is refused.
    renderer.render(image, width=30, max_rows=12)
    assert renderer.job is job
    renderer.render(image, width=20, max_rows=12)
    newer = renderer.job
    assert newer is not job and newer.size == (200, 150)
    assert not renderer.accept(job, job.encode())
    lines = newer.encode()
    assert len(lines) == 8 and renderer.accept(newer, lines)
    assert renderer.lines == lines and renderer.job is None
    assert decode(lines[0]).width == 200 and decode(lines[-1]).height == 150 - 7 * 20
    renderer.release()
    assert renderer.lines is None and renderer.job is None


def test_a_tall_photo_is_capped_by_lines() -> None:
    renderer = SixelRenderer(lambda: (8, 16))
    strips = renderer.render(decode_image(fixtures.photo_png(100, 400)), width=60, max_rows=10)
    assert len(strips) == 10 and renderer.job.size == (40, 160)


def test_without_a_cell_size_it_draws_half_blocks() -> None:
    renderer = SixelRenderer(lambda: None)
    strips = renderer.render(decode_image(fixtures.photo_png(32, 24)), width=16, max_rows=10)
    assert strips and set(strips[0].text) == {"▀"} and renderer.job is None


async def test_the_panel_reports_where_its_cells_are() -> None:
    app = PhotoHost(SixelRenderer(lambda: (10, 20)))
    async with app.run_test(size=(50, 20)) as pilot:
        assert app.photo.photo_region() is None
        app.photo.show_image(fixtures.photo_png(64, 48))
        await pilot.pause()
        box = app.photo.photo_region()
        content = app.photo.content_region
        assert (box.x, box.y) == (content.x, content.y)
        assert (box.width, box.height) == (32, 12)  # 12 lines of 20 px cap it at 320 x 240 px
        app.photo.show_locked()
        await pilot.pause()
        assert app.photo.photo_region() is None and app.photo.renderer.job is None

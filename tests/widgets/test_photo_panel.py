"""PhotoPanel: the locked notice, the other states, and half-block drawing of a served photo."""

from __future__ import annotations

import io

from PIL import Image

from tests.widgets import fixtures
from tests.widgets.hosts import PhotoHost
from tests.widgets.screen import screen_text
from widgets.photo_panel import decode_image
from widgets.photo_renderers import HalfBlockRenderer


async def test_locked_shows_the_notice() -> None:
    app = PhotoHost()
    async with app.run_test(size=(60, 10)) as pilot:
        app.photo.show_locked()
        await pilot.pause()
        assert app.photo.state == "locked"
        assert "Foto dikunci: laporan bersifat privasi" in screen_text(app)
        assert app.photo.has_class("-locked")


async def test_locked_in_english(ui_language) -> None:
    ui_language("en")
    app = PhotoHost()
    async with app.run_test(size=(60, 10)) as pilot:
        app.photo.show_locked()
        await pilot.pause()
        assert "Photo locked: this report is private" in screen_text(app)


async def test_states_replace_each_other() -> None:
    app = PhotoHost()
    async with app.run_test(size=(60, 10)) as pilot:
        photo = app.photo
        assert photo.state == "none"
        photo.show_loading()
        await pilot.pause()
        assert photo.state == "loading" and "Memuat foto…" in screen_text(app)
        photo.show_error("[/bold] \x1b]52;c;Zm9v\x07gagal")
        await pilot.pause()
        text = screen_text(app)
        assert photo.state == "error" and "[/bold] ]52;c;Zm9vgagal" in text and "\x1b" not in text
        assert app.is_running
        photo.show_none()
        await pilot.pause()
        assert photo.state == "none" and "Tidak ada foto." in screen_text(app)
        assert not photo.has_class("-error") and not photo.has_class("-loading")


async def test_undecodable_bytes_show_an_error() -> None:
    app = PhotoHost()
    async with app.run_test(size=(60, 10)) as pilot:
        app.photo.show_image(b"\x89PNG\r\n\x1a\nnot really")
        await pilot.pause()
        assert app.photo.state == "error"
        assert "Foto tidak dapat ditampilkan." in screen_text(app)


async def test_served_photo_is_drawn_in_half_blocks(served) -> None:
    candidates = [s for s in served.summaries(limit=200, private="false") if s.photo == "available"]
    assert candidates, "the demo data has non-private reports with photos"
    summary = candidates[0]
    response = served.photo(summary.number)
    assert response.status_code == 200
    data = response.content
    source = Image.open(io.BytesIO(data))
    app = PhotoHost()
    async with app.run_test(size=(60, 30)) as pilot:
        photo = app.photo
        photo.show_image(data)
        await pilot.pause()
        assert photo.state == "shown"
        width = photo.size.width
        rows = [photo.render_line(y) for y in range(photo.size.height)]
        drawn = [strip for strip in rows if strip.text.strip()]
        assert drawn and all(set(strip.text.rstrip()) == {"▀"} for strip in drawn)
        # Sized to the panel (or to its height cap), with the photo's aspect ratio.
        columns = max(len(strip.text.rstrip()) for strip in drawn)
        assert columns == width or len(drawn) == photo.max_rows
        aspect = source.width / source.height
        assert abs(columns / (2 * len(drawn)) - aspect) < 0.15
        # Each cell carries two pixels: the upper as foreground, the lower as background.
        segment = next(iter(drawn[0]))
        assert segment.style.color is not None and segment.style.bgcolor is not None


def test_half_blocks_keep_upper_and_lower_pixels() -> None:
    image = decode_image(fixtures.photo_png(8, 4))  # red top half, blue bottom half
    strips = HalfBlockRenderer().render(image, width=8, max_rows=10)
    assert len(strips) == 2  # 4 pixel rows
    top, bottom = strips
    (first_top, *_), (first_bottom, *_) = list(top), list(bottom)
    assert first_top.style.color.triplet == (200, 30, 30) and first_top.style.bgcolor.triplet[0] > 150
    assert first_bottom.style.color.triplet[2] > 150 and first_bottom.style.bgcolor.triplet == (30, 30, 200)


def test_height_is_capped_and_aspect_kept() -> None:
    image = decode_image(fixtures.photo_png(20, 80))  # a tall photo
    strips = HalfBlockRenderer().render(image, width=60, max_rows=10)
    assert len(strips) == 10
    assert strips[0].cell_length == 5  # 20 pixel rows per 5 columns: 1:4, as the photo


def test_photo_panel_module_does_not_import_pillow_at_start() -> None:
    import subprocess
    import sys

    code = "import sys, widgets.photo_panel, widgets.report_detail; print('PIL' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

"""Photo figures: what each way of drawing a photo costs the console, and what it sends.

For a demo photo (640x480, as the server stores it) in the detail pane at two widths, each
measured in the same run:

- the baseline: half-block cells (`HalfBlockRenderer.render`), which run on the UI thread;
- kitty graphics: `KittyRenderer.render`, the PNG and its escape sequences, on the UI thread;
- sixel: `SixelRenderer.render` (UI thread) and the encoding `SixelJob.encode` (a worker thread);
- what reaches the terminal for one photo, in bytes;
- the sixel painter's cost on a frame that does not touch the photo (every cursor move).

    .venv/bin/python benchmarks/photo_drawing.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm_server.demo.photos import synthetic_photo  # noqa: E402
from widgets.photo_panel import MAX_ROWS, decode_image  # noqa: E402
from widgets.photo_renderers import HalfBlockRenderer, KittyRenderer, SixelRenderer  # noqa: E402

RUNS = 21
CELL = (10, 20)  # pixels of a common terminal cell


def timed(action, runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    data = synthetic_photo(7, "JL", 640, 480)
    image = decode_image(data)
    print(f"photo: {image.width}x{image.height}, {len(data):,} bytes as served; cells {CELL[0]}x{CELL[1]} px")
    for width in (30, 45):  # a narrow detail pane, and the pane at 120 columns (4:3 fills 32 x 12)
        measure(image, width)
    print()
    asyncio.run(painter_per_frame())


def measure(image, width: int) -> None:
    print(f"\n--- {width} columns, at most {MAX_ROWS} lines ---")
    half = timed(lambda: HalfBlockRenderer().render(image, width, MAX_ROWS))
    print(f"half-block render (baseline)      median {median(half):7.2f} ms")

    sent: list[str] = []

    def kitty() -> None:
        sent.clear()
        KittyRenderer(sent.append, new_id=lambda: 7).render(image, width, MAX_ROWS)

    kitty_times = timed(kitty)
    print(
        f"kitty render + PNG                median {median(kitty_times):7.2f} ms"
        f"  ({median(kitty_times) / median(half):.1f}x baseline)  sends {len(''.join(sent)):,} bytes"
    )

    renderer = SixelRenderer(lambda: CELL)

    def sixel_cells() -> None:
        renderer.release()
        renderer.render(image, width, MAX_ROWS)

    cells = timed(sixel_cells)
    job = renderer.job
    lines: list[str] = []

    def encode() -> None:
        lines[:] = job.encode()

    encoding = timed(encode, runs=7)
    print(
        f"sixel render (blank cells)        median {median(cells):7.3f} ms"
        f"  ({median(cells) / median(half):.2f}x baseline)"
    )
    print(
        f"sixel encode (worker thread)      median {median(encoding):7.2f} ms"
        f"  sends {sum(map(len, lines)):,} bytes for {len(lines)} lines"
    )


async def painter_per_frame() -> None:
    """The painter after a frame that redraws the list but not the photo: what a cursor move costs."""
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal
    from textual.widgets import Static

    from crm_tui.sixel_painter import SixelPainter
    from widgets.photo_panel import PhotoPanel

    class Host(App):
        def compose(self) -> ComposeResult:
            with Horizontal():
                yield Static("\n".join(f"row {i}" for i in range(40)), id="list")
                yield PhotoPanel(renderer=SixelRenderer(lambda: CELL))

    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(PhotoPanel).show_image(synthetic_photo(7, "JL", 640, 480))
        await pilot.pause()
        painter = SixelPainter(app, lambda _data: None)
        spans = [(12, 0, 60)]  # one line of the list, left of the photo
        times = timed(lambda: painter.after_frame(app.screen, spans), runs=2001)
        print(
            f"sixel painter on a frame beside the photo: median {median(times) * 1000:6.1f} µs"
            f"  p95 {sorted(times)[int(0.95 * len(times))] * 1000:6.1f} µs"
        )


if __name__ == "__main__":
    main()

"""Console figures: start-up to the first list frame, cursor latency per key, client memory.

For each size it seeds a database, serves it on a free loopback port, signs in as the demo
supervisor (who sees every report) and measures, in the same run:

- start-up: a fresh `python` process from spawn to the first frame of the report list (headless);
- per-key latency of the console (j / G / g / PgDn) on the virtual list, median and p95;
- the baseline: Textual's DataTable holding the same rows, its first frame and per-key latency
  (skipped above --datatable-max rows, where it takes minutes);
- the console's memory (tracemalloc peak of Python objects, and RSS) after walking the list.

    .venv/bin/python benchmarks/console_keys.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.startup_probe import CONSOLE, first_frame_ms, probe_environment  # noqa: E402
from tests.support.server import ServerProcess, crm_server  # noqa: E402

KEYS_PER_RUN = 200
SIZE = (120, 40)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):7.2f} ms  p95 {pct(values, 0.95):7.2f} ms"


# --- start-up: benchmarks/startup_probe.py ------------------------------------------------------


def startup_ms(url: str) -> float:
    return first_frame_ms(CONSOLE, url, "supervisor:supervisor-demo", env=probe_environment())[0]


# --- per key -------------------------------------------------------------------------------------


class FrameClock:
    """Key-to-frame latency: from the key's arrival to the next frame the app hands its driver
    (not the test pilot's own waiting, which polls every widget of the screen). `app` is a
    `HookedApp` (the console, or the baseline below): its `frame_drawn` is timed."""

    def __init__(self, app) -> None:
        self.frames: list[float] = []
        frame_drawn = app.frame_drawn

        def timed(screen, spans):
            frame_drawn(screen, spans)
            self.frames.append(time.perf_counter())

        app.frame_drawn = timed

    async def press(self, pilot, key: str) -> float:
        start = time.perf_counter()
        seen = len(self.frames)
        await pilot.press(key)
        while len(self.frames) == seen:
            await pilot.pause(0.001)
        return (self.frames[seen] - start) * 1000


async def console_keys(url: str, *, trace_memory: bool = False) -> tuple[dict[str, list[float]], float, float]:
    """Per-key latency; or, with `trace_memory`, the same walk under tracemalloc (which slows
    Python several times over, so its timings are not reported)."""
    from crm_tui.app import CrmApp
    from crm_tui.config import Config

    if trace_memory:
        tracemalloc.start()
    app = CrmApp(Config(server=url), credentials=("supervisor", "supervisor-demo"))
    timings: dict[str, list[float]] = {"j": [], "pagedown": [], "G/g": []}
    async with app.run_test(size=SIZE) as pilot:
        clock = FrameClock(app)
        while not (type(app.screen).__name__ == "MainScreen" and app.screen.window.total):
            await pilot.pause(0.02)
        screen = app.screen
        await pilot.pause(0.3)
        for key in ("j", "pagedown"):
            for _ in range(KEYS_PER_RUN if key == "j" else KEYS_PER_RUN // 4):
                timings[key].append(await clock.press(pilot, key))
                # Let page loads land between keys, as a resting operator would.
                if screen.window.row(screen.table.cursor) is None:
                    while screen.window.row(screen.table.cursor) is None:
                        await pilot.pause(0.01)
        for key in ("G", "g") * 5:
            timings["G/g"].append(await clock.press(pilot, key))
            while screen.window.row(screen.table.cursor) is None:
                await pilot.pause(0.01)
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return timings, peak / 1e6, rss


# --- per key: the DataTable baseline ------------------------------------------------------------


async def datatable_keys(url: str, rows: int) -> tuple[float, list[float]]:
    from textual.widgets import DataTable

    from api_client import CrmClient, ReportQuery
    from crm_tui.textual_internals import HookedApp

    async with CrmClient(url) as client:
        await client.login("supervisor", "supervisor-demo")
        data = []
        async for page in client.iter_pages(ReportQuery(), limit=500):
            data += [
                (r.number, r.status.value, r.category_name, r.kelurahan, r.assignee.display_name if r.assignee else "—")
                for r in page.items
            ]
            if len(data) >= rows:
                break

    class Baseline(HookedApp):
        def compose(self):
            yield DataTable()

    app = Baseline()
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        clock = FrameClock(app)
        table = app.query_one(DataTable)
        table.add_columns("No.", "Status", "Kategori", "Kelurahan", "Petugas")
        table.add_rows(data)
        table.focus()
        await pilot.pause()
        first_frame = (time.perf_counter() - started) * 1000
        timings = []
        for _ in range(KEYS_PER_RUN):
            timings.append(await clock.press(pilot, "down"))
    return first_frame, timings


def measure_in_child(kind: str, url: str, size: int) -> dict:
    """Each measurement in a process of its own, so memory figures do not mix."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, url, str(size)], capture_output=True, text=True, timeout=1800
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(kind: str, url: str, size: int) -> None:
    if kind in ("console", "memory"):
        timings, peak_mb, rss_mb = asyncio.run(console_keys(url, trace_memory=kind == "memory"))
        print(json.dumps({"timings": timings, "peak_mb": peak_mb, "rss_mb": rss_mb}))
    else:
        first, base = asyncio.run(datatable_keys(url, size))
        print(json.dumps({"first": first, "timings": base}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--datatable-max", type=int, default=100_000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    os.environ.setdefault("CRM_TUI_LANG", "id")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    with tempfile.TemporaryDirectory(prefix="crm-console-bench-") as folder:
        for size in args.sizes:
            db = Path(folder) / f"crm-{size}.sqlite3"
            started = time.perf_counter()
            crm_server("seed", "--db", str(db), "--reports", str(size), "--random-seed", "11")
            seeded = time.perf_counter() - started
            server = ServerProcess(db, reports=0).start()
            try:
                starts = [startup_ms(server.base_url) for _ in range(5)]
                timings = measure_in_child("console", server.base_url, size)["timings"]
                memory = measure_in_child("memory", server.base_url, size)
                peak_mb, rss_mb = memory["peak_mb"], memory["rss_mb"]
                print(f"\n== {size:,} reports (seeded in {seeded:.1f} s)")
                print(
                    f"start-up to first list frame: median {statistics.median(starts):.0f} ms"
                    f" (min {min(starts):.0f}, max {max(starts):.0f}; 5 runs, fresh process)"
                )
                for key, values in timings.items():
                    print(f"console   {key:<9} {fmt(values)}  ({len(values)} keys)")
                print(
                    f"console memory after the same walk: tracemalloc peak {peak_mb:.1f} MB (Python objects),"
                    f" process max RSS {rss_mb:.0f} MB"
                )
                if size <= args.datatable_max:
                    measured = measure_in_child("datatable", server.base_url, size)
                    first, base = measured["first"], measured["timings"]
                    print(f"DataTable first frame {first:,.0f} ms; down {fmt(base)}")
                    print(
                        f"ratio (DataTable / console) per key: median "
                        f"{statistics.median(base) / statistics.median(timings['j']):.1f}x, "
                        f"p95 {pct(base, 0.95) / pct(timings['j'], 0.95):.1f}x"
                    )
                else:
                    print(f"DataTable: not run above {args.datatable_max:,} rows (its first frame takes minutes)")
            finally:
                server.stop()


if __name__ == "__main__":
    main()

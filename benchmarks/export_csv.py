"""`:export`: throughput and memory of writing the whole list to CSV, against holding it whole.

For each size it seeds a database, serves it on a free loopback port and, in fresh processes
signed in as the demo supervisor (who sees every report):

- export: `crm_tui.export.write_csv`, what `:export PATH.csv` runs (one page in memory at a time);
- baseline: the same rows fetched page by page but kept in a list and written at the end, as
  an export that is not streamed would.

It prints, per size, the wall time, rows per second and peak RSS of each (medians of --runs):
the export's memory should stay flat as the list grows, the baseline's grows with it.

    .venv/bin/python benchmarks/export_csv.py --sizes 10000 50000 [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.startup_probe import probe_environment  # noqa: E402
from tests.support.server import ServerProcess, crm_server  # noqa: E402

PROBE = r"""
import asyncio, json, resource, sys, time
from pathlib import Path
from api_client import CrmClient
from api_client.query import ReportQuery
from crm_tui.export import PAGE_SIZE, csv_lines, header_line, report_row, write_csv

url, mode, target = sys.argv[1], sys.argv[2], Path(sys.argv[3])

async def main():
    async with CrmClient(url) as client:
        await client.login("supervisor", "supervisor-demo")
        fetch = lambda cursor: client.list_reports(ReportQuery(), cursor=cursor, limit=PAGE_SIZE)
        start = time.perf_counter()
        if mode == "export":
            rows = await write_csv(target, fetch, private_text=False, progress=lambda done, total: None)
        else:
            kept, cursor = [], None
            while True:
                page = await fetch(cursor)
                kept += page.items
                if not page.next_cursor:
                    break
                cursor = page.next_cursor
            target.write_text(header_line() + csv_lines([report_row(r, private_text=False) for r in kept]))
            rows = len(kept)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak}))

asyncio.run(main())
"""


def run(url: str, mode: str, target: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, url, mode, str(target)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=probe_environment(),
        timeout=3600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{'reports':>9} {'mode':>8} {'seconds':>8} {'rows/s':>8} {'peak RSS':>9}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="crm-export-") as folder:
            db = Path(folder) / "crm.sqlite3"
            crm_server("seed", "--db", str(db), "--reports", str(size), "--random-seed", "5")
            server = ServerProcess(db, reports=0).start()
            try:
                for mode in ("export", "baseline"):
                    results = [run(server.base_url, mode, Path(folder) / f"{mode}.csv") for _ in range(args.runs)]
                    assert all(r["rows"] == size for r in results), results
                    seconds = statistics.median(r["seconds"] for r in results)
                    peak = statistics.median(r["peak_mb"] for r in results)
                    print(f"{size:>9,} {mode:>8} {seconds:>8.2f} {size / seconds:>8,.0f} {peak:>7.1f} MB")
            finally:
                server.stop()


if __name__ == "__main__":
    main()

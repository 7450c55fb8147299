"""Whether viewing a report queues behind the city's writes: a view appends its audit row
without the write lock (on PostgreSQL), so it should take as long beside a busy writer as alone.

    CRM_TEST_DATABASE=postgresql .venv/bin/python benchmarks/views_beside_writes.py --views 60 --hold-ms 200
    .venv/bin/python benchmarks/views_beside_writes.py --views 30 --hold-ms 200      # SQLite, for contrast

Serves a small seeded database (SQLite, or with CRM_TEST_DATABASE=postgresql a throwaway
PostgreSQL cluster) on a free loopback port. Times GET /reports/{number} alone, then while
another process's connection keeps taking the write lock (`db.write()`: the advisory lock on
PostgreSQL, the file's write lock on SQLite) and holding it `--hold-ms` at a time, and a note
(a write) in both phases for contrast: the write must wait its turn, a view need not. Prints
p50/p95 of each and the ratios busy/alone. Not a test: nothing asserts. On SQLite the holder
starves every writer (the busy handler polls): use fewer views there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm_server.storage.engine import Database  # noqa: E402
from tests.support import postgres  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

API = "/api/v1"
WARMUP = 20
GAP_S = 0.002  # between two holds: other writers get their turn


def timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 201), response.text[:200]
    return elapsed


def phase(client: httpx.Client, headers: dict[str, str], number: str, count: int) -> tuple[list[float], list[float]]:
    """(view times, note times) in ms, interleaved."""
    views, notes = [], []
    for _ in range(count):
        views.append(timed(lambda: client.get(f"{API}/reports/{number}", headers=headers)))
        notes.append(
            timed(lambda: client.post(f"{API}/reports/{number}/notes", json={"text": "Dicek."}, headers=headers))
        )
    return views, notes


def holding(db_url: str, hold_s: float, stop: threading.Event) -> threading.Thread:
    def run() -> None:
        db = Database.open(db_url)
        try:
            while not stop.is_set():
                with db.write():
                    time.sleep(hold_s)
                time.sleep(GAP_S)
        finally:
            db.dispose()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1]


def run(args: argparse.Namespace, workdir: Path) -> None:
    server = ServerProcess(workdir / "crm.sqlite3", reports=300).start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            headers = {"Authorization": f"Bearer {server.login('supervisor')}"}
            number = client.get(f"{API}/reports", params={"limit": 1}, headers=headers).json()["items"][0]["number"]
            phase(client, headers, number, WARMUP)
            alone = phase(client, headers, number, args.views)
            stop = threading.Event()
            holder = holding(server.db, args.hold_ms / 1000, stop)
            try:
                busy = phase(client, headers, number, args.views)
            finally:
                stop.set()
                holder.join(10)
    finally:
        server.stop()
    engine = "PostgreSQL" if postgres.wanted() else "SQLite"
    print(f"{engine}, {args.views} views and notes per phase, the write lock held {args.hold_ms} ms at a time")
    print(f"{'':24}{'alone p50/p95 ms':>20}{'busy p50/p95 ms':>20}{'busy/alone p50, p95':>22}")
    for name, a, b in (("GET /reports/{number}", alone[0], busy[0]), ("POST .../notes", alone[1], busy[1])):
        print(
            f"{name:24}{statistics.median(a):>9.1f} /{p(a, 95):>8.1f}{statistics.median(b):>11.1f} /{p(b, 95):>7.1f}"
            f"{statistics.median(b) / statistics.median(a):>14.1f}x, {p(b, 95) / p(a, 95):.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--hold-ms", type=float, default=50.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crm-views-") as folder:
        try:
            run(args, Path(folder))
        finally:
            postgres.stop()  # the cluster this process started, if any


if __name__ == "__main__":
    main()

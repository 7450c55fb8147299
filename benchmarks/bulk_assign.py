"""A bulk assign of marked reports: writes per second, against one report after the other.

Seeds a database, serves it on a free loopback port, signs in as the demo supervisor and takes
--marked open reports of the list (as marked rows, with the versions they were listed in). Then,
in the same run, each on reports of its own:

- bulk: `crm_tui.bulk.run_bulk`, what the console runs for `a` with reports marked (each report its
  own request with its If-Match and idempotency key, a few in flight);
- baseline: the same requests one after the other.

It prints writes per second for each (medians of --runs) against the target of 20 writes/s.

    .venv/bin/python benchmarks/bulk_assign.py [--marked 200] [--runs 3] [--reports 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api_client import CrmClient  # noqa: E402
from api_client.models import ReportSummary  # noqa: E402
from api_client.query import ReportQuery  # noqa: E402
from crm_tui.bulk import Outcome, run_bulk  # noqa: E402
from tests.support.server import ServerProcess, crm_server  # noqa: E402

TARGET = 20.0  # writes per second, for a 200-report bulk assign on SQLite


async def open_reports(client: CrmClient, count: int) -> list[ReportSummary]:
    found: list[ReportSummary] = []
    async for page in client.iter_pages(ReportQuery(status=("Menunggu", "Proses")), limit=500):
        found += page.items
        if len(found) >= count:
            break
    return found[:count]


async def measure(url: str, marked: int, runs: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"bulk": [], "baseline": []}
    async with CrmClient(url) as client:
        await client.login("supervisor", "supervisor-demo")
        reports = await open_reports(client, marked * runs * 2)
        assert len(reports) == marked * runs * 2, "seed more reports (--reports)"
        batches = [reports[i : i + marked] for i in range(0, len(reports), marked)]

        async def assign(report: ReportSummary) -> None:
            await client.assign(report, "officer", idempotency_key=str(uuid.uuid4()))

        async def conflict(report: ReportSummary, error: Exception) -> Outcome:
            return Outcome(report.number, "conflict")

        for run in range(runs):
            start = time.perf_counter()
            outcomes = await run_bulk(
                batches[2 * run], assign, refusal=lambda report: None, conflict=conflict, failure=str
            )
            figures["bulk"].append(marked / (time.perf_counter() - start))
            assert all(outcome.kind == "done" for outcome in outcomes), outcomes[:3]
            start = time.perf_counter()
            for report in batches[2 * run + 1]:
                await assign(report)
            figures["baseline"].append(marked / (time.perf_counter() - start))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marked", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reports", type=int, default=20_000)
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    with tempfile.TemporaryDirectory(prefix="crm-bulk-") as folder:
        db = Path(folder) / "crm.sqlite3"
        crm_server("seed", "--db", str(db), "--reports", str(args.reports), "--random-seed", "9")
        server = ServerProcess(db, reports=0).start()
        try:
            figures = asyncio.run(measure(server.base_url, args.marked, args.runs))
        finally:
            server.stop()
    bulk, baseline = statistics.median(figures["bulk"]), statistics.median(figures["baseline"])
    print(f"{args.marked} marked reports, SQLite, medians of {args.runs} runs")
    print(f"bulk assign (run_bulk)        {bulk:7.1f} writes/s  (target >= {TARGET:.0f})")
    print(f"one after the other           {baseline:7.1f} writes/s")
    print(f"ratio bulk / one by one       {bulk / baseline:7.2f}x")


if __name__ == "__main__":
    main()

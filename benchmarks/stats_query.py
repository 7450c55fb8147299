"""GET /stats (the agency dashboard) at N seeded reports, against the plain first list page.

    .venv/bin/python benchmarks/stats_query.py --reports 1000000

1. `crm-server seed` into a fresh SQLite file in a temporary folder (or `--db` a seeded one), as
   benchmarks/server_seed_and_queries.py does, with its helpers.
2. `crm-server serve` on a free loopback port; one long-lived httpx client, signed in as the demo
   `supervisor` (all of DKI), `supervisor.jp` (Jakarta Pusat) and `dispatcher` (one kelurahan).
3. For each, after two unmeasured requests: `--requests` times GET /stats, and as many times the
   first page of the list (limit 50, newest first), interleaved so both meet the same load.
4. In process (no HTTP, same database), the supervisor's /stats alone: what HTTP and JSON add.

What /stats reads (services/report_stats.py): tallies pre-aggregated as reports change
(storage/tallies.py), the open reports per agency and assignee and the last 30 days' arrivals,
closures and times to close per Jakarta day, agency and assignee; of the reports, only the last
week's open ones (from the partial index of open reports). A `--db` made before migration 10
gains the tallies when the server starts (`serve` migrates): about 15 s at 1M reports.

It prints medians and p95 against the target (p95 <= 200 ms) and the ratio to the list page.
Not a test: nothing here asserts. The temporary folder is removed at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from server_seed_and_queries import (  # noqa: E402
    API,
    WARMUP,
    command_line,
    in_workdir,
    login,
    percentile,
    running_server,
    seed,
)

TARGET_MS = 200.0
WHO = {
    "supervisor": ("supervisor", "supervisor-demo"),  # DKI: every report
    "supervisor.jp": ("supervisor.jp", "supervisor.jp-demo"),  # Jakarta Pusat
    "dispatcher": ("dispatcher", "dispatcher-demo"),  # Kelurahan Cideng: 30% of the demo's reports
}


def timed(client: httpx.Client, path: str, headers: dict, params: dict | None = None) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(f"{API}{path}", params=params, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} -> {response.status_code}: {response.text[:200]}")
    return elapsed, response.json()


def over_http(base_url: str, requests: int) -> list[str]:
    lines = []
    with httpx.Client(base_url=base_url, timeout=120.0) as client:
        for who, credentials in WHO.items():
            headers = login(client, *credentials)
            for _ in range(WARMUP):
                timed(client, "/stats", headers)
                timed(client, "/reports", headers, {"limit": 50})
            stats_ms, page_ms = [], []
            body: dict = {}
            for _ in range(requests):
                elapsed, body = timed(client, "/stats", headers)
                stats_ms.append(elapsed)
                page_ms.append(timed(client, "/reports", headers, {"limit": 50})[0])
            total = body["total"]
            p95 = percentile(stats_ms, 0.95)
            lines.append(
                f"{who:<14} /stats p50 {statistics.median(stats_ms):7.1f} p95 {p95:7.1f} max {max(stats_ms):7.1f} ms"
                f"  | list page p50 {statistics.median(page_ms):6.1f} p95 {percentile(page_ms, 0.95):6.1f} ms"
                f"  | /stats p50 / page p50 {statistics.median(stats_ms) / statistics.median(page_ms):5.1f}x"
                f"  | target p95 <= {TARGET_MS:.0f}: {'ok' if p95 <= TARGET_MS else 'MISS'}"
                f"  | open {total['open']:,}, closed in 30 days {total['closed']:,},"
                f" {len(body['officers'])} officer rows, {len(body['agencies'])} agency rows"
            )
            print(lines[-1], flush=True)
    return lines


def in_process(db_path: Path, requests: int) -> list[str]:
    """The supervisor's /stats without HTTP or JSON: the queries and the summing alone."""
    from sqlalchemy import select

    from crm_server.roles import Role
    from crm_server.services.directory import Directory
    from crm_server.services.principal import Principal
    from crm_server.services.report_stats import report_stats
    from crm_server.storage.engine import Database
    from crm_server.storage.schema import agencies, operators

    db = Database.open(db_path)
    try:
        directory = Directory(db)
        with db.read() as conn:
            op = conn.execute(
                select(operators, agencies.c.path)
                .join(agencies, operators.c.agency_code == agencies.c.code)
                .where(operators.c.username == "supervisor")
            ).one()
        who = Principal(op.id, op.username, op.display_name, Role(op.role), op.agency_code, op.path)
        samples: list[float] = []
        for i in range(WARMUP + requests):
            begun = time.perf_counter()
            with db.read() as conn:
                report_stats(conn, directory, who)
            if i >= WARMUP:
                samples.append((time.perf_counter() - begun) * 1000)
    finally:
        db.dispose()
    line = (
        f"supervisor     report_stats in process p50 {statistics.median(samples):7.1f}"
        f" p95 {percentile(samples, 0.95):7.1f} ms"
    )
    print(line, flush=True)
    return [line]


def run(args: argparse.Namespace, workdir: Path) -> None:
    if args.db:
        db_path = args.db
        seed_line = f"seed: skipped, reusing {db_path}"
    else:
        db_path = workdir / "bench.sqlite3"
        print(f"seeding {args.reports:,} reports into {db_path} ...", flush=True)
        seed_wall, seed_own = seed(str(db_path), args.reports, args.random_seed, int(time.time()))
        seed_line = f"seed {args.reports:,} reports: {seed_wall:.1f} s wall (the seed itself reports {seed_own} s)"
    print(seed_line, flush=True)
    with running_server(str(db_path), workdir / "server.log") as base_url:
        print(f"over HTTP, {args.requests} measured requests each, /stats and the list's first page in turn:")
        http_lines = over_http(base_url, args.requests)
    print("in process, the supervisor's /stats:", flush=True)
    process_lines = in_process(db_path, args.requests)

    print()
    print("=" * 110)
    print(
        f"GET /stats benchmark: {'reused database' if args.db else f'{args.reports:,} reports'};"
        f" {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; Python {platform.python_version()};"
        f" SQLite {sqlite3.sqlite_version}"
    )
    print(f"command: {command_line()}")
    print(seed_line)
    print("-" * 110)
    for line in (*http_lines, "-" * 110, *process_lines):
        print(line)
    print("=" * 110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30, help="measured requests per operator")
    parser.add_argument("--workdir", type=Path, default=None, help="parent folder for the temporary database")
    parser.add_argument("--db", type=Path, default=None, help="measure this seeded database instead")
    parser.add_argument("--keep", action="store_true", help="keep the database and server log")
    in_workdir(parser.parse_args(argv), run, "crm-bench-stats-")
    return 0


if __name__ == "__main__":
    sys.exit(main())

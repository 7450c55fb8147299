"""Seed N demo reports, serve them, and measure list queries and assign throughput over HTTP, on
SQLite and PostgreSQL side by side.

    .venv/bin/python benchmarks/server_seed_and_queries.py --reports 1000000 [--databases sqlite,postgresql]

What it does, in order, for each database of `--databases` (both by default), one after the other:

1. `crm-server seed` into a fresh database: a SQLite file in a temporary folder, or a database in a
   throwaway PostgreSQL cluster on a free loopback port (tests/support/postgres.py: fsync off, the
   server's default memory settings), which the run starts and stops (wall time, the seed's own
   figure, the database's size).
2. `crm-server serve` on a free loopback port; one long-lived httpx client, logged in as the demo
   `supervisor` (sees all of DKI) and the demo `dispatcher` (one kelurahan).
3. List queries, each repeated (`--requests`, after two unmeasured warm-up requests): the first page,
   filtered pages, a deep keyset page (~100k rows in, reached by following `next_cursor`), and text
   search (`q`: a very common word, a street name, a rare address, a report-number prefix).
4. A baseline in process (no HTTP, same database): the deep page with keyset vs OFFSET, and the
   searches through the server's index (FTS5 on SQLite, pg_trgm on PostgreSQL) vs a plain LIKE with
   an exact count, so the ratios show what each buys.
5. Assign throughput: `--writers` concurrent asyncio clients, each assigning its own open reports to
   the demo officer with the ETag it has just read.

Both databases get the same data (the same random seed and the same `now`). It prints one table
with a column for each database, and the command. Not a test: nothing here asserts; the targets are
printed next to the figures. The cluster is stopped and removed at the end, and so is the temporary
folder unless `--keep`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.postgres import Cluster  # noqa: E402
from tests.support.server import free_port  # noqa: E402

API = "/api/v1"
STARTUP_TIMEOUT = 120.0
WARMUP = 2
SEED_TARGET_S = 120.0
FILTER_TARGET_MS = 50.0
SEARCH_TARGET_MS = 150.0
DEEP_ROWS = 100_000
WALK_PAGE = 500
SUPERVISOR = ("supervisor", "supervisor-demo")
DISPATCHER = ("dispatcher", "dispatcher-demo")
DATABASES = ("sqlite", "postgresql")
ASSIGN_TO = "officer"  # JP.GAMBIR.CIDENG: within the DKI supervisor's reach for any report


# --- figures ----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-round(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Row:
    section: str
    label: str
    who: str
    samples_ms: list[float]
    note: str = ""
    target_ms: float | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 0.95)

    @property
    def max(self) -> float:
        return max(self.samples_ms)

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.p95 < self.target_ms else "MISS"


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        target = f"  target p95 < {row.target_ms:.0f} ms: {row.verdict}" if row.target_ms else ""
        print(
            f"  {row.label:<44} {row.who:<10} n={len(row.samples_ms):<4} p50 {row.p50:7.1f}  p95 {row.p95:7.1f}"
            f"  max {row.max:7.1f} ms  {row.note}{target}",
            flush=True,
        )
        return row


# --- the server -------------------------------------------------------------------------------


@contextlib.contextmanager
def running_server(db: str, log_path: Path) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crm_server.cli",
                "serve",
                "--db",
                db,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"crm-server exited early:\n{log_path.read_text(errors='replace')}")
                try:
                    if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("crm-server did not become healthy")
                time.sleep(0.1)
            yield base_url
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)


def login(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


# --- list queries over HTTP -------------------------------------------------------------------


def timed_get(client: httpx.Client, headers: dict, params: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(f"{API}/reports", params=params, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET /reports {params} -> {response.status_code}: {response.text[:200]}")
    return elapsed, response.json()


def page_note(page: dict) -> str:
    total = page["total"]
    if page.get("total_is_lower_bound"):
        total = f">={total}"
    return f"rows {len(page['items'])}, total {total}"


def measure(
    results: Results,
    client: httpx.Client,
    headers: dict,
    who: str,
    section: str,
    label: str,
    params: dict,
    repeats: int,
    target_ms: float | None = None,
) -> dict:
    page: dict = {}
    for _ in range(WARMUP):
        _, page = timed_get(client, headers, params)
    samples = []
    for _ in range(repeats):
        elapsed, page = timed_get(client, headers, params)
        samples.append(elapsed)
    results.add(Row(section, label, who, samples, page_note(page), target_ms))
    return page


def walk_keyset(results: Results, client: httpx.Client, headers: dict, who: str, rows: int) -> tuple[str | None, int]:
    """Follows next_cursor WALK_PAGE rows at a time; returns the cursor `rows` deep."""
    cursor, seen, samples = None, 0, []
    while seen < rows:
        params = {"limit": WALK_PAGE}
        if cursor:
            params["cursor"] = cursor
        elapsed, page = timed_get(client, headers, params)
        samples.append(elapsed)
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    results.add(Row("deep", f"walk next_cursor, {len(samples)} pages x {WALK_PAGE}", who, samples, f"{seen} rows"))
    return cursor, seen


def common_terms(client: httpx.Client, headers: dict) -> dict[str, str]:
    """Search terms taken from the data itself, so they exist whatever the seed."""
    newest = client.get(f"{API}/reports", params={"limit": 1}, headers=headers).json()["items"][0]
    number = newest["number"]
    full = client.get(f"{API}/reports/{number}", headers=headers).json()
    address = full["location"]["address"]  # "Jl. X No. 12, RT 03/RW 05"
    street = address.split(" No. ")[0].removeprefix("Jl. ")
    return {
        "common word": "jalan",
        "street name": street,
        "rare address": address.split(",")[0].removeprefix("Jl. "),
        "number prefix": number[:8],
    }


# --- baseline in process ----------------------------------------------------------------------


def baseline(results: Results, db_url: str, deep_cursor: str | None, terms: dict[str, str], repeats: int) -> list[str]:
    """In process, as the supervisor (every report): the server's list_reports (count and page)
    against the plain way to get the same page: OFFSET instead of a cursor; LIKE over the four
    text columns instead of the server's search, with an exact LIKE count. (PostgreSQL's planner
    may read pg_trgm for a LIKE too: there the ratio shows what the server's count limit buys.)"""
    from sqlalchemy import func, or_, select

    from crm_server.roles import Role
    from crm_server.services.directory import Directory
    from crm_server.services.principal import Principal
    from crm_server.services.report_reads import SORTS, ReportFilter, _summary_select, list_reports
    from crm_server.storage.engine import Database
    from crm_server.storage.schema import agencies, operators, reports

    db = Database.open(db_url)
    directory = Directory(db)
    ratios = []
    try:
        with db.read() as conn:
            op = conn.execute(
                select(operators, agencies.c.path)
                .join(agencies, operators.c.agency_code == agencies.c.code)
                .where(operators.c.username == SUPERVISOR[0])
            ).one()
        who = Principal(op.id, op.username, op.display_name, Role(op.role), op.agency_code, op.path)
        newest_first = [c.desc() for c in SORTS["created"]]

        def server(f: ReportFilter, cursor: str | None = None) -> Callable[[], None]:
            def go() -> None:
                with db.read() as conn:
                    list_reports(conn, directory, who, f, cursor=cursor)

            return go

        def plain(*queries) -> Callable[[], None]:
            def go() -> None:
                with db.read() as conn:
                    for query in queries:
                        conn.execute(query).all()

            return go

        def timed(fn: Callable[[], None], n: int) -> list[float]:
            fn()
            out = []
            for _ in range(n):
                started = time.perf_counter()
                fn()
                out.append((time.perf_counter() - started) * 1000)
            return out

        def compare(label: str, fast_label: str, fast, slow_label: str, slow, n_slow: int) -> None:
            a = results.add(Row("baseline", f"{label}: {fast_label}", "supervisor", timed(fast, repeats)))
            b = results.add(Row("baseline", f"{label}: {slow_label}", "supervisor", timed(slow, n_slow)))
            ratios.append(f"{label}: {slow_label} p50 / {fast_label} p50 = {b.p50 / a.p50:,.1f}x")

        if deep_cursor:
            offset = _summary_select().order_by(*newest_first).offset(DEEP_ROWS).limit(51)
            compare(
                f"page {DEEP_ROWS:,} rows deep",
                "keyset (server)",
                server(ReportFilter(), deep_cursor),
                "OFFSET",
                plain(offset),
                max(5, repeats // 5),
            )

        for name, term in terms.items():
            pattern = "%" + term + "%"
            like = or_(
                *(
                    c.like(pattern)
                    for c in (reports.c.number, reports.c.title, reports.c.description, reports.c.address)
                )
            )
            count = select(func.count()).select_from(reports).where(like)
            page = _summary_select().where(like).order_by(*newest_first).limit(51)
            compare(
                f"q {name}",
                "index (server)",
                server(ReportFilter(q=term)),
                "LIKE + count",
                plain(count, page),
                max(3, repeats // 10),
            )
    finally:
        db.dispose()
    return ratios


# --- assign throughput ------------------------------------------------------------------------


async def assign_throughput(base_url: str, headers: dict, numbers: list[str], writers: int) -> dict:
    per_writer = [numbers[i::writers] for i in range(writers)]
    assign_ms: list[float] = []
    read_ms: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)

    async def writer(mine: list[str]) -> None:
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60.0, limits=limits) as client:
            for number in mine:
                started = time.perf_counter()
                current = await client.get(f"{API}/reports/{number}")
                read_ms.append((time.perf_counter() - started) * 1000)
                if current.status_code != 200:
                    statuses[current.status_code] += 1
                    continue
                started = time.perf_counter()
                response = await client.post(
                    f"{API}/reports/{number}/assign",
                    json={"officer": ASSIGN_TO},
                    headers={"If-Match": current.headers["ETag"]},
                )
                assign_ms.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] += 1

    started = time.perf_counter()
    await asyncio.gather(*(writer(mine) for mine in per_writer))
    elapsed = time.perf_counter() - started
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    return {"elapsed": elapsed, "ok": ok, "statuses": statuses, "assign_ms": assign_ms, "read_ms": read_ms}


def open_reports(client: httpx.Client, headers: dict, count: int) -> list[str]:
    numbers: list[str] = []
    cursor = None
    while len(numbers) < count:
        params = {"status": "Menunggu", "limit": 500}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"{API}/reports", params=params, headers=headers).json()
        numbers += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return numbers[:count]


# --- main -------------------------------------------------------------------------------------


FILTERS = {
    "status=Menunggu": {"status": "Menunggu"},
    "status=Menunggu&overdue=true": {"status": "Menunggu", "overdue": "true"},
    "category=jalan-rusak": {"category": "jalan-rusak"},
    "assignee=unassigned": {"assignee": "unassigned"},
    "agency=JP": {"agency": "JP"},
    "Menunggu+overdue+unassigned+jalan-rusak": {
        "status": "Menunggu",
        "overdue": "true",
        "assignee": "unassigned",
        "category": "jalan-rusak",
    },
    "agency=JP&status=Menunggu&overdue=true": {"agency": "JP", "status": "Menunggu", "overdue": "true"},
    "agency=DBM.JP&category=jalan-rusak": {"agency": "DBM.JP", "category": "jalan-rusak"},
    "status=Proses&sort=due": {"status": "Proses", "sort": "due"},
    "all five incl. agency=JP (none match)": {
        "status": "Menunggu",
        "overdue": "true",
        "category": "jalan-rusak",
        "assignee": "unassigned",
        "agency": "JP",
    },
}
DISPATCHER_FILTERS = {
    "status=Menunggu&overdue=true": {"status": "Menunggu", "overdue": "true"},
    "assignee=unassigned": {"assignee": "unassigned"},
    "category=jalan-lingkungan-rusak": {"category": "jalan-lingkungan-rusak"},
    "Menunggu+unassigned+saluran-lingkungan": {
        "status": "Menunggu",
        "assignee": "unassigned",
        "category": "saluran-lingkungan",
    },
    "status=Proses&sort=due": {"status": "Proses", "sort": "due"},
}


def seed(db: str, reports: int, random_seed: int, now: int) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_server.cli",
            "seed",
            "--db",
            db,
            "--reports",
            str(reports),
            "--random-seed",
            str(random_seed),
            "--now",
            str(now),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"seed failed:\n{done.stdout}\n{done.stderr}")
    own = re.search(r"seeded \d+ reports in ([\d.]+) s", done.stdout)
    return wall, own.group(1) if own else "?"


def database_facts(db: str) -> tuple[str, float]:
    """The engine's version and the database's size in MB (for SQLite, with its WAL)."""
    from crm_server.storage.engine import Database

    if "://" not in db:
        size = sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))
        return f"SQLite {sqlite3.sqlite_version}", size / 1e6
    database = Database.open(db)
    try:
        with database.read() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar_one()
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
    finally:
        database.dispose()
    return f"PostgreSQL {version}", size / 1e6


@dataclass
class Measured:
    """One database's figures."""

    kind: str
    engine: str = ""
    seed_line: str = ""
    results: Results = field(default_factory=Results)
    ratios: list[str] = field(default_factory=list)
    assign_lines: list[str] = field(default_factory=list)


def measure_database(args: argparse.Namespace, kind: str, db: str, workdir: Path, now: int) -> Measured:
    measured = Measured(kind)
    results = measured.results
    n = args.requests
    if args.db:
        measured.engine, _ = database_facts(db)
        measured.seed_line = "seed: skipped, reusing --db"
    else:
        print(f"[{kind}] seeding {args.reports:,} reports ...", flush=True)
        seed_wall, seed_own = seed(db, args.reports, args.random_seed, now)
        measured.engine, size_mb = database_facts(db)
        measured.seed_line = (
            f"seed {args.reports:,} reports: {seed_wall:.1f} s wall (process start to exit; the seed itself"
            f" reports {seed_own} s), database {size_mb:,.0f} MB; target < {SEED_TARGET_S:.0f} s:"
            f" {'ok' if seed_wall < SEED_TARGET_S else 'MISS'}"
        )
    print(f"[{kind}] {measured.engine}; {measured.seed_line}", flush=True)

    with (
        running_server(db, workdir / f"server-{kind}.log") as base_url,
        httpx.Client(base_url=base_url, timeout=120.0) as client,
    ):
        sup = login(client, *SUPERVISOR)
        dis = login(client, *DISPATCHER)
        people = (("supervisor", sup), ("dispatcher", dis))

        print(f"[{kind}] list queries over HTTP (limit 50, sort -created unless said):", flush=True)
        for who, headers in people:
            measure(results, client, headers, who, "first", "first page", {"limit": 50}, n)

        for label, params in FILTERS.items():
            measure(results, client, sup, "supervisor", "filtered", label, {"limit": 50, **params}, n, FILTER_TARGET_MS)
        for label, params in DISPATCHER_FILTERS.items():
            measure(results, client, dis, "dispatcher", "filtered", label, {"limit": 50, **params}, n, FILTER_TARGET_MS)

        deep_cursor = None
        for who, headers in people:
            cursor, seen = walk_keyset(results, client, headers, who, DEEP_ROWS)
            if cursor:
                measure(
                    results,
                    client,
                    headers,
                    who,
                    "deep",
                    f"page at row {seen:,} (cursor)",
                    {"limit": 50, "cursor": cursor},
                    n,
                    FILTER_TARGET_MS,
                )
                if who == "supervisor":
                    deep_cursor = cursor

        terms = common_terms(client, sup)
        for who, headers in people:
            for name, term in terms.items():
                measure(
                    results,
                    client,
                    headers,
                    who,
                    "search",
                    f"q {name} {term!r}",
                    {"limit": 50, "q": term},
                    n,
                    SEARCH_TARGET_MS,
                )

        print(f"[{kind}] baseline in process (no HTTP), supervisor:", flush=True)
        measured.ratios = baseline(results, db, deep_cursor, terms, n)

        print(f"[{kind}] assign throughput: {args.writers} concurrent clients ...", flush=True)
        numbers = open_reports(client, sup, args.writers * args.assigns_per_writer)
        outcome = asyncio.run(assign_throughput(base_url, sup, numbers, args.writers))

    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(outcome["statuses"].items()))
    non2xx = {code: c for code, c in outcome["statuses"].items() if not 200 <= code < 300}
    assign = outcome["assign_ms"]
    reads = outcome["read_ms"]
    measured.assign_lines = [
        f"assign: {args.writers} clients x {args.assigns_per_writer} reports (GET for the ETag, then POST assign)",
        f"  {outcome['ok']} assigns in {outcome['elapsed']:.1f} s = {outcome['ok'] / outcome['elapsed']:.0f} writes/s"
        f" (each also preceded by an audited GET: {2 * outcome['ok'] / outcome['elapsed']:.0f} write transactions/s)",
        f"  POST assign latency p50 {statistics.median(assign):.0f} ms, p95 {percentile(assign, 0.95):.0f} ms,"
        f" max {max(assign):.0f} ms; GET report p50 {statistics.median(reads):.0f} ms,"
        f" p95 {percentile(reads, 0.95):.0f} ms",
        f"  responses by status: {statuses}; non-2xx: {non2xx or 'none'}",
    ]
    return measured


def run(args: argparse.Namespace, workdir: Path) -> None:
    now = int(time.time())  # one `now` for every database: the same data in each
    everything: list[Measured] = []
    with contextlib.ExitStack() as stack:
        for kind in args.databases:
            if args.db:
                db = str(args.db)
            elif kind == "sqlite":
                db = str(workdir / "bench.sqlite3")
            else:
                cluster = Cluster().start()  # in a folder of its own, which it removes when stopped
                stack.callback(cluster.stop)
                db = cluster.url("bench")
            everything.append(measure_database(args, kind, db, workdir, now))
    print_table(args, everything)


def command_line() -> str:
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(Path.cwd())
    return shlex.join([str(python), *sys.argv])


def print_table(args: argparse.Namespace, everything: list[Measured]) -> None:
    """One line per query, a p50/p95 pair of columns per database, rows matched by query."""
    width = 100 + 18 * len(everything)
    print()
    print("=" * width)
    print(
        f"crm_server benchmark: {args.reports:,} reports; {os.cpu_count()} cores; Python {platform.python_version()};"
        f" {'; '.join(m.engine for m in everything)}; {args.requests} measured requests per query after"
        f" {WARMUP} warm-up"
    )
    print(f"command: {command_line()}")
    for m in everything:
        print(f"{m.kind:<10} {m.seed_line}")
    print("-" * width)
    columns = "".join(f" {m.kind[:10] + ' p50/p95':>17}" for m in everything)
    verdicts = "result".ljust(6 * len(everything))
    print(f"{'section':<9} {'query':<46} {'who':<10} {'n':>4}{columns}  {'target':<10} {verdicts} rows")
    rows: dict[tuple[str, str, str], list[Row | None]] = {}
    for i, m in enumerate(everything):
        for row in m.results.rows:
            rows.setdefault((row.section, row.label, row.who), [None] * len(everything))[i] = row
    for (section, label, who), found in rows.items():
        some = next(row for row in found if row is not None)
        figures = "".join(f" {row.p50:>8.1f}/{row.p95:<8.1f}" if row else f" {'-':>17}" for row in found)
        target = f"p95<{some.target_ms:.0f}" if some.target_ms else ""
        verdicts = "/".join(row.verdict if row else "-" for row in found) if some.target_ms else ""
        notes = list(dict.fromkeys(row.note for row in found if row))
        print(
            f"{section:<9} {label[:46]:<46} {who:<10} {len(some.samples_ms):>4}{figures}  {target:<10}"
            f" {verdicts:<{6 * len(everything)}} {' | '.join(notes)}".rstrip()
        )
    print("total: exact, but `>=N` (a lower bound, total_is_lower_bound) for a search matching over 10,000")
    for m in everything:
        print("-" * width)
        print(f"{m.kind}:")
        for line in m.ratios:
            print(f"  {line}")
        for line in m.assign_lines:
            print(f"  {line}")
    print("=" * width)


def databases(value: str) -> list[str]:
    chosen = [name.strip() for name in value.split(",") if name.strip()]
    unknown = set(chosen) - set(DATABASES)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(DATABASES)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument(
        "--databases", type=databases, default=list(DATABASES), help="comma-separated: sqlite,postgresql"
    )
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="measured requests per list query")
    parser.add_argument("--writers", type=int, default=50, help="concurrent assigning clients")
    parser.add_argument("--assigns-per-writer", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None, help="parent folder for the temporary database")
    parser.add_argument(
        "--db",
        default=None,
        help="measure this seeded database (a SQLite file or a postgresql+psycopg:// URL) instead; it is written to",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the SQLite database and the server logs (the cluster is always stopped)",
    )
    args = parser.parse_args(argv)
    if args.db:
        args.databases = ["postgresql" if args.db.startswith("postgresql") else "sqlite"]
    in_workdir(args, run, "crm-bench-")
    return 0


def in_workdir(args: argparse.Namespace, run: Callable[[argparse.Namespace, Path], None], prefix: str) -> None:
    """`run(args, folder)` in a temporary folder under `--workdir`, removed after unless `--keep`."""
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=prefix, dir=args.workdir))
    try:
        run(args, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

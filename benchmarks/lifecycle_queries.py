"""The lifecycle's read paths at scale, on SQLite: the validation queue, the "handed on" view and
the duplicate-evidence lookup, each against a baseline measured in the same run.

    .venv/bin/python benchmarks/lifecycle_queries.py --reports 1000000 --evidence 100000

1. `crm-server seed --reports N` into a fresh SQLite file (the demo's journeys: coordinations,
   dispositions, follow-ups, validations), unless `--db` names a seeded one.
2. The validation queue (a validator at DKI: Menunggu Validasi, oldest first, first page and a page
   a few thousand rows in) and the handed-on view (the demo dispatcher's kelurahan: what it
   coordinated away, newest first), through the service the route calls (`list_reports`: count,
   page and models; no HTTP). Baselines: the same pages with the status index or the handoff index
   kept out of the plan (SQLite's unary plus / NOT INDEXED).
3. `--evidence` stored evidence photos with random 64-bit hashes (tiny blobs: the lookup reads the
   hash columns only), then the lookup a follow-up runs for each new photo (`similar_report`: four
   banded index lists, then the Hamming distance on the candidates), for random photos and for
   near-copies of stored ones. Baseline: every stored hash compared in Python.

Targets: p95 at most 50 ms for each. Nothing is asserted; the figures and the command are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

from crm_server.perceptual_hash import distance, to_signed, to_unsigned
from crm_server.roles import Role
from crm_server.services import evidence
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal
from crm_server.services.report_reads import ReportFilter, list_reports
from crm_server.statuses import Status
from crm_server.storage.engine import Database
from crm_server.storage.schema import agencies, operators

TARGET_MS = 50.0
CLI = [sys.executable, "-m", "crm_server.cli"]
HOME = "JP.GAMBIR.CIDENG"  # the demo dispatcher's kelurahan
WARMUP = 2


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-round(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def timed(fn: Callable[[], object], n: int) -> list[float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def line(label: str, samples: list[float], note: str = "", target: float | None = TARGET_MS) -> str:
    p95 = percentile(samples, 0.95)
    verdict = "" if target is None else ("ok" if p95 <= target else "OVER")
    return (
        f"  {label:<58} p50 {statistics.median(samples):8.2f} ms  p95 {p95:8.2f} ms  "
        f"n={len(samples):<4} {verdict:<4} {note}"
    )


def seed(db_path: Path, reports: int, random_seed: int) -> str:
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "seed", "--db", str(db_path), "--reports", str(reports), "--random-seed", str(random_seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seed failed:\n{done.stdout}\n{done.stderr}")
    own = re.search(r"seeded \d+ reports in ([\d.]+) s", done.stdout)
    wall = time.perf_counter() - started
    return f"seeded {reports:,} reports in {wall:.1f} s wall ({own.group(1) if own else '?'} s by the seeder)"


def principal(db: Database, username: str) -> Principal:
    with db.read() as conn:
        row = conn.execute(
            select(operators.c.id, operators.c.username, operators.c.role, operators.c.agency_code, agencies.c.path)
            .select_from(operators.join(agencies, operators.c.agency_code == agencies.c.code))
            .where(operators.c.username == username)
        ).one()
    return Principal(row.id, row.username, row.username, Role(row.role), row.agency_code, row.path)


def lists(db: Database, n: int) -> list[str]:
    directory = Directory(db)
    validator, dispatcher = principal(db, "validator"), principal(db, "dispatcher")
    queue = ReportFilter(status=(Status.MENUNGGU_VALIDASI,))
    handed = ReportFilter(handed_on=True)
    out = []

    def page(who: Principal, f: ReportFilter, sort: str, cursor: str | None = None) -> Callable[[], object]:
        def go() -> object:
            with db.read() as conn:
                return list_reports(conn, directory, who, f, sort=sort, cursor=cursor, limit=50)

        return go

    first = page(validator, queue, "created")()
    deep_cursor = None
    walked = 0
    with db.read() as conn:
        cursor = None
        while walked < 5_000:
            result = list_reports(conn, directory, validator, queue, sort="created", cursor=cursor, limit=500)
            walked += len(result.items)
            cursor = result.next_cursor
            if cursor is None:
                break
        deep_cursor = cursor
    handed_first = page(dispatcher, handed, "-created")()
    out.append(f"  awaiting validation: {first.total:,} reports; handed on by the kelurahan: {handed_first.total:,}")
    out.append(line("validation queue, first page (validator, DKI)", timed(page(validator, queue, "created"), n)))
    if deep_cursor:
        out.append(
            line(
                f"validation queue, a page {walked:,} rows in", timed(page(validator, queue, "created", deep_cursor), n)
            )
        )
    out.append(line("handed on, first page (dispatcher, kelurahan)", timed(page(dispatcher, handed, "-created"), n)))
    out.append(line("handed on, oldest first", timed(page(dispatcher, handed, "created"), n)))
    supervisor = principal(db, "supervisor")
    everything = page(supervisor, handed, "-created")()
    out.append(
        line(
            f"handed on, supervisor at DKI ({everything.total:,}: every handoff)",
            timed(page(supervisor, handed, "-created"), n),
        )
    )

    # Baselines, in SQL alone: each first page as its index reads it, and with that index kept
    # out of the plan (SQLite's unary plus, NOT INDEXED).
    raw = sqlite3.connect(db.engine.url.database or "")
    pages = {
        "queue page, by the status index": "SELECT id FROM reports WHERE status = 5 ORDER BY created_at, id LIMIT 51",
        "queue page, status index not used": "SELECT id FROM reports WHERE +status = 5"
        " ORDER BY created_at, id LIMIT 51",
        "handed-on page, by the handoff index": "SELECT id FROM reports WHERE id IN (SELECT report_id FROM handoffs"
        f" WHERE from_agency_code = '{HOME}') ORDER BY created_at DESC, id DESC LIMIT 51",
        "handed-on page, handoff index not used": "SELECT id FROM reports WHERE id IN (SELECT report_id FROM handoffs"
        f" NOT INDEXED WHERE from_agency_code = '{HOME}') ORDER BY created_at DESC, id DESC LIMIT 51",
    }
    for label, sql in pages.items():
        out.append(line(f"baseline: {label} (SQL)", timed(lambda sql=sql: raw.execute(sql).fetchall(), n), target=None))
    raw.close()
    return out


def add_evidence(db_path: Path, count: int, rng: random.Random) -> list[int]:
    """`count` evidence rows with random hashes on existing reports; returns the hashes."""
    raw = sqlite3.connect(db_path)
    report_ids = [row[0] for row in raw.execute("SELECT id FROM reports ORDER BY random() LIMIT 50000")]
    hashes = [rng.getrandbits(64) for _ in range(count)]
    rows = []
    for i, value in enumerate(hashes):
        bands = evidence.bands(value)
        rows.append(
            (
                report_ids[i % len(report_ids)],
                1,
                "image/jpeg",
                1,
                1,
                b"x",
                "0" * 64,
                to_signed(value),
                *bands,
                None,
                0,
                None,
            )
        )
    raw.executemany(
        "INSERT INTO evidence (report_id, follow_up_id, content_type, width, height, data, sha256, phash,"
        " band0, band1, band2, band3, captured_at, uploaded_at, similar_to) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    raw.commit()
    raw.execute("ANALYZE")
    raw.close()
    return hashes


def lookups(db: Database, hashes: list[int], n: int, rng: random.Random) -> list[str]:
    def near(value: int, bits: int) -> int:
        for bit in rng.sample(range(64), bits):
            value ^= 1 << bit
        return value

    fresh = [rng.getrandbits(64) for _ in range(n + WARMUP)]
    copies = [near(rng.choice(hashes), rng.randint(0, evidence.SIMILAR_WITHIN)) for _ in range(n + WARMUP)]
    found = 0

    def one(values: list[int]) -> Callable[[], object]:
        it = iter(values)

        def go() -> object:
            nonlocal found
            with db.read() as conn:
                hit = evidence.similar_report(conn, next(it), -1)
            found += hit is not None
            return hit

        return go

    out = [line(f"duplicate lookup, an unrelated photo ({len(hashes):,} stored)", timed(one(fresh), n))]
    found = 0
    out.append(
        line("duplicate lookup, a near-copy of a stored photo", timed(one(copies), n), f"found {found}/{n + WARMUP}")
    )
    scan = iter(fresh)

    def nearest() -> int:
        """Without the bands: every stored hash read and compared."""
        value = next(scan)
        with db.read() as conn:
            return min(distance(value, to_unsigned(v)) for (v,) in conn.execute(text("SELECT phash FROM evidence")))

    out.append(line("baseline: every stored hash read and compared", timed(nearest, max(5, n // 10)), target=None))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--evidence", type=int, default=100_000)
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="measured queries per figure")
    parser.add_argument("--db", type=Path, default=None, help="a seeded database to measure (evidence is added to it)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="crm-bench-lifecycle-"))
    try:
        db_path = args.db or workdir / "crm.sqlite3"
        seed_line = f"measured {db_path}" if args.db else seed(db_path, args.reports, args.random_seed)
        rng = random.Random(args.random_seed)
        hashes = add_evidence(db_path, args.evidence, rng)
        db = Database.open(db_path)
        try:
            figures = lists(db, args.requests)
            figures += lookups(db, hashes, args.requests, rng)
        finally:
            db.dispose()
        print()
        sizes = f"{args.reports:,} reports, {args.evidence:,} evidence photos"
        print(f"crm_server lifecycle benchmark: {sizes}; SQLite {sqlite3.sqlite_version}")
        print(f"  {seed_line}")
        print("\n".join(figures))
        python = Path(sys.executable)
        with contextlib.suppress(ValueError):
            python = python.relative_to(Path.cwd())
        print(f"  command: {shlex.join([str(python), *sys.argv])}")
    finally:
        if args.keep:
            print(f"  kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Server memory under a steady mixed load: RSS at minute 1 against the last minute, the target
being flat (the end within 15% of minute 1).

    .venv/bin/python benchmarks/memory_soak.py [--minutes 10] [--reports 100000] [--streams 50]

Seeds a SQLite database (`--reports`, or `--db` to reuse one), serves it with one `crm-server
serve` on a free loopback port, and runs against it, all at once, for `--minutes`:

- `--readers` (8) operators listing reports (random filters, a few pages down by cursor) and
  opening reports from the pages they saw: over the run they open many thousands of different
  reports, each open audited;
- `--writers` (4) adding notes and assigning (GET for the ETag, then POST assign) on reports
  drawn from the whole database;
- one citizen channel submitting a report every `--intake-seconds`;
- `--streams` (50) live event streams (`/events`), read and thrown away, as idle consoles.

Every 30 s it prints the server's RSS (VmRSS of /proc/PID/status) and what the load did since
the last line; at the end, RSS at minute 1 against the end, with the target. Nothing asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shlex
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import DEMO_PASSWORD_SUFFIX, ServerProcess, crm_server  # noqa: E402

API = "/api/v1"
SAMPLE_SECONDS = 30
FLAT_TARGET = 0.15  # the end's RSS within 15% of minute 1's
READERS_AS = ("supervisor", "supervisor.jp", "dispatcher", "dispatcher.dbm", "observer", "validator")
WRITERS_AS = "supervisor"  # reaches every report
STREAMS_AS = ("supervisor", "supervisor.jp", "dispatcher", "dispatcher.dbm", "officer", "observer")
ASSIGN_TO = ("officer", "officer2", "officer3")  # JP.GAMBIR.CIDENG: within the DKI supervisor's reach
LIST_FILTERS = (
    {},
    {"status": "Menunggu"},
    {"status": "Proses", "sort": "due"},
    {"assignee": "unassigned"},
    {"category": "jalan-rusak"},
    {"agency": "JP"},
    {"status": "Menunggu", "overdue": "true"},
    {"q": "banjir"},
)


@dataclass
class Load:
    """What the load did, counted by kind and outcome, and which reports the readers opened."""

    done: Counter[str] = field(default_factory=Counter)
    opened: set[str] = field(default_factory=set)

    def count(self, kind: str, response: httpx.Response) -> None:
        self.done[kind if response.status_code < 400 else f"{kind} {response.status_code}"] += 1


class Seen:
    """Report numbers a client has listed (and so may open), a bounded sample of them."""

    def __init__(self, keep: int = 50_000) -> None:
        self.numbers: list[str] = []
        self.keep = keep

    def add(self, page: dict) -> None:
        self.numbers.extend(item["number"] for item in page["items"])
        if len(self.numbers) > self.keep:
            del self.numbers[: len(self.numbers) - self.keep]


async def walk(client: httpx.AsyncClient, auth: dict, load: Load, rng: random.Random, params: dict, seen: Seen) -> None:
    """A list, a random number of pages down by cursor."""
    params = {"limit": 50, **params}
    for _ in range(rng.randint(1, 6)):
        response = await client.get(f"{API}/reports", params=params, headers=auth)
        load.count("list", response)
        if response.status_code != 200:
            return
        page = response.json()
        seen.add(page)
        if not page["next_cursor"]:
            return
        params["cursor"] = page["next_cursor"]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


async def login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post(
        f"{API}/auth/login", json={"username": username, "password": username + DEMO_PASSWORD_SUFFIX}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def reader(client: httpx.AsyncClient, auth: dict, load: Load, rng: random.Random, until: float) -> None:
    seen = Seen()
    while time.monotonic() < until:
        await walk(client, auth, load, rng, rng.choice(LIST_FILTERS), seen)
        for number in rng.sample(seen.numbers, min(5, len(seen.numbers))):
            response = await client.get(f"{API}/reports/{number}", headers=auth)
            load.count("open", response)
            load.opened.add(number)


async def writer(client: httpx.AsyncClient, auth: dict, load: Load, rng: random.Random, until: float) -> None:
    """Notes and assigns on open reports (Menunggu or Proses, where both are allowed) found by
    walking their lists to a random depth."""
    seen = Seen()
    while time.monotonic() < until:
        if rng.random() < 0.1 or not seen.numbers:
            await walk(client, auth, load, rng, {"status": rng.choice(("Menunggu", "Proses"))}, seen)
            continue
        number = rng.choice(seen.numbers)
        if rng.random() < 0.5:
            body = {"text": f"Dicek ke lokasi, putaran {rng.randrange(10**6)}."}
            load.count("note", await client.post(f"{API}/reports/{number}/notes", json=body, headers=auth))
            continue
        current = await client.get(f"{API}/reports/{number}", headers=auth)
        load.count("open", current)
        if current.status_code != 200:
            continue
        response = await client.post(
            f"{API}/reports/{number}/assign",
            json={"officer": rng.choice(ASSIGN_TO)},
            headers={**auth, "If-Match": current.headers["ETag"]},
        )
        load.count("assign", response)


async def intake(client: httpx.AsyncClient, key: str, load: Load, every: float, until: float) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        body = {
            "channel": "JAKI",
            "category": "jalan-rusak",
            "title": f"Jalan berlubang {n}",
            "description": "Lubang besar di tengah jalan, mohon segera ditambal.",
            "location": {"address": f"Jl. Cideng Barat No. {n % 200}", "kelurahan": "JP.GAMBIR.CIDENG"},
            "private": n % 3 != 0,
            "reporter": {"name": "Warga", "phone": "081234567890"},
        }
        load.count("intake", await client.post(f"{API}/intake/reports", json=body, headers={"X-Intake-Key": key}))
        await asyncio.sleep(every)


async def stream(client: httpx.AsyncClient, auth: dict, load: Load, until: float) -> None:
    while time.monotonic() < until:
        try:
            async with client.stream("GET", f"{API}/events", headers=auth, timeout=None) as response:
                load.count("stream", response)
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        load.done["event frames"] += 1
                    if time.monotonic() >= until:
                        return
        except httpx.TransportError:
            load.done["stream dropped"] += 1
            await asyncio.sleep(1)


async def sample(pid: int, load: Load, started: float, until: float, samples: list[tuple[float, float]]) -> None:
    last: Counter[str] = Counter()
    while True:
        at = started + SAMPLE_SECONDS * len(samples)  # samples[0] is the one before the load
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        elapsed, rss = time.monotonic() - started, rss_mib(pid)
        samples.append((elapsed, rss))
        since = load.done - last
        last = Counter(load.done)
        did = ", ".join(f"{kind} {n}" for kind, n in sorted(since.items()))
        print(f"  {elapsed / 60:5.1f} min  RSS {rss:7.1f} MiB  distinct opened {len(load.opened):6}  {did}", flush=True)
        if time.monotonic() >= until:
            return


async def soak(args: argparse.Namespace, server: ServerProcess, key: str) -> list[tuple[float, float]]:
    rng = random.Random(args.random_seed)
    load = Load()
    limits = httpx.Limits(max_connections=args.streams + 64, max_keepalive_connections=args.streams + 64)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60.0, limits=limits) as client:
        tokens = {name: await login(client, name) for name in {*READERS_AS, WRITERS_AS, *STREAMS_AS}}
        assert server.process is not None
        pid = server.process.pid
        samples: list[tuple[float, float]] = [(0.0, rss_mib(pid))]
        print(f"  {0:5.1f} min  RSS {samples[0][1]:7.1f} MiB  (before the load)", flush=True)
        started = time.monotonic()
        until = started + args.minutes * 60
        work = [
            *(
                reader(client, tokens[READERS_AS[i % len(READERS_AS)]], load, random.Random(rng.random()), until)
                for i in range(args.readers)
            ),
            *(
                writer(client, tokens[WRITERS_AS], load, random.Random(rng.random()), until)
                for _ in range(args.writers)
            ),
            intake(client, key, load, args.intake_seconds, until),
            *(stream(client, tokens[STREAMS_AS[i % len(STREAMS_AS)]], load, until) for i in range(args.streams)),
        ]
        tasks = [asyncio.create_task(job) for job in work]
        await sample(pid, load, started, until, samples)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--intake-seconds", type=float, default=0.5, help="seconds between citizen submissions")
    parser.add_argument("--random-seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=None, help="a seeded SQLite database to use (it is written to)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="crm-soak-") as folder:
        db = args.db or Path(folder) / "soak.sqlite3"
        if args.db is None:
            print(f"seeding {args.reports:,} reports ...", flush=True)
            crm_server("seed", "--db", str(db), "--reports", str(args.reports), "--random-seed", str(args.random_seed))
        key = crm_server("intake-key", "--db", str(db)).stdout.strip()
        server = ServerProcess(db, reports=0, heartbeat=15.0).start()
        try:
            print(
                f"soak: {args.readers} readers, {args.writers} writers, intake every {args.intake_seconds} s,"
                f" {args.streams} event streams, {args.minutes:g} min; RSS every {SAMPLE_SECONDS} s",
                flush=True,
            )
            samples = asyncio.run(soak(args, server, key))
        finally:
            server.stop()

    minute_1 = next(rss for at, rss in samples if at >= 60) if samples[-1][0] >= 60 else samples[-1][1]
    end_at, end = samples[-1]
    growth = end / minute_1 - 1
    print()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"server RSS: start {samples[0][1]:.1f} MiB, minute 1 {minute_1:.1f} MiB, minute {end_at / 60:.1f}"
        f" {end:.1f} MiB, peak {max(rss for _, rss in samples):.1f} MiB; end vs minute 1 {growth:+.1%}"
        f" (target within {FLAT_TARGET:.0%}: {'ok' if abs(growth) <= FLAT_TARGET else 'MISS'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""N consoles on the event stream of one `crm-server serve`: what they cost the list, how fast a
note reaches them all, and how many statements the server runs while they sit idle.

Seeds a database (SQLite, or --db a PostgreSQL URL whose database is empty), serves it on a free
loopback port with stream caps above N, and measures in one run:

- `GET /reports?limit=50` p50/p95 with no stream open, and with N open (target: at most 2x);
- one note, written through the API, until every one of the N streams has its event, over
  --notes notes (target: p95 at most 300 ms);
- the statements the server process runs per second while nothing happens, with 0, 100 and N
  streams open. Counted, not assumed: the server runs here with a SQLAlchemy hook that counts
  every statement its engine executes (BEGIN included) and writes the count to a file.

The streams are raw HTTP/1.1 connections read by asyncio in this process, as operators of five
roles whose scope holds the noted reports (the fan-out filters each by scope).

With --two-processes, then a second server on the same database, the consoles split between the
two, and --notes assigns through the first: how fast they reach the other process's consoles
(PostgreSQL: NOTIFY; SQLite: its poll).

    .venv/bin/python benchmarks/event_fanout.py [--consoles 1000] [--notes 20] [--reports 20000]
    .venv/bin/python benchmarks/event_fanout.py --postgresql --two-processes   # a throwaway cluster
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.support.postgres import Cluster  # noqa: E402
from tests.support.server import ServerProcess, crm_server  # noqa: E402

LIST_TARGET = 2.0  # list p95 with N streams, against none
REACH_TARGET_MS = 300.0
IDLE_SECONDS = 5.0
LIST_REQUESTS = 200
LIST_WARM_UP = 30
# Operators whose scope holds Kelurahan Cideng's reports (the ones noted here).
VIEWERS = ("supervisor", "supervisor.jp", "observer", "dispatcher", "officer")
HOME = "JP.GAMBIR.CIDENG"


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- the server, counting its statements ------------------------------------------------------


def serve_counting(count_file: str, argv: list[str]) -> None:
    """`crm-server <argv>` with every statement its engines run counted into `count_file`."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from crm_server.cli import main

    raise_fd_limit()
    count = [0]

    @event.listens_for(Engine, "before_cursor_execute")
    def _count(*_args: object) -> None:
        count[0] += 1

    def write() -> None:
        while True:
            Path(count_file).write_text(f"{count[0]} {time.time()}")
            time.sleep(0.1)

    threading.Thread(target=write, daemon=True).start()
    sys.argv = ["crm-server", *argv]
    main()


@dataclass
class CountingServer(ServerProcess):
    url: str = ""  # what --db names: the SQLite file at db_path, or a PostgreSQL URL
    seeds_demo = False  # seeded above, with the reports the benchmark asks for

    @property
    def db(self) -> str:
        return self.url

    @property
    def count_file(self) -> Path:
        return self.db_path.with_suffix(".statements")

    def _spawn(self, log) -> subprocess.Popen:
        args = [
            "serve",
            "--db",
            self.db,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *self.extra_args,
        ]
        return subprocess.Popen(
            [sys.executable, __file__, "_serve_counting", str(self.count_file), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def statements(self) -> int:
        """The count as the server wrote it after this call (it writes every 0.1 s)."""
        asked = time.time()
        while True:
            count, _, at = self.count_file.read_text().partition(" ")
            if at and float(at) > asked:
                return int(count)
            time.sleep(0.05)


# --- the consoles -------------------------------------------------------------------------------


class Console:
    """One raw SSE connection: records when each event about a report arrives."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.arrived: dict[tuple[str, str], float] = {}  # (event, report number): when
        self.ready = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def run(self) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(
            (
                "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                f"Authorization: Bearer {self.token}\r\n\r\n"
            ).encode()
        )
        await self.writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"stream refused: {status!r}")
        event = None
        while line := await reader.readline():
            text = line.decode().rstrip("\r\n")
            if text.startswith("retry:"):
                self.ready.set()
            elif text.startswith("event: "):
                event = text[7:]
            elif text.startswith("data: ") and event is not None:
                marker = text.find('"number":"')
                if marker >= 0:
                    number = text[marker + 10 : text.index('"', marker + 10)]
                    self.arrived.setdefault((event, number), time.perf_counter())
            elif not text:
                event = None

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.writer is not None:
            self.writer.close()


async def connect(consoles: list[Console], port: int, tokens: list[str], up_to: int) -> None:
    start = len(consoles)
    for i in range(start, up_to):
        console = Console(port, tokens[i % len(tokens)])
        console.task = asyncio.create_task(console.run())
        consoles.append(console)
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # not all at once: as consoles start in a morning
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in consoles[start:])), 120)
    failed = [c.task for c in consoles if c.task is not None and c.task.done()]
    for task in failed:
        task.result()  # raises what refused it


def list_latencies(base_url: str, token: str) -> list[float]:
    """Milliseconds of GET /reports?limit=50, one after the other, from a client of its own."""
    times = []
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for _ in range(LIST_WARM_UP):  # caches warm: the first list after start is no baseline
            client.get("/api/v1/reports", params={"limit": 50}).raise_for_status()
        for _ in range(LIST_REQUESTS):
            start = time.perf_counter()
            client.get("/api/v1/reports", params={"limit": 50}).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


async def arrivals(consoles: list[Console], key: tuple[str, str]) -> list[float]:
    """When each console had the event `key`, once all have it (at most 10 s)."""
    deadline = time.monotonic() + 10
    while sum(key in c.arrived for c in consoles) < len(consoles) and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    got = [c.arrived[key] for c in consoles if key in c.arrived]
    assert len(got) == len(consoles), f"{len(got)} of {len(consoles)} streams had {key}"
    return got


def close_all(consoles: list[Console]) -> None:
    for console in consoles:
        console.close()


def open_reports(server: CountingServer, token: str, status: list[str], count: int) -> list[str]:
    params = {"limit": count, "agency": HOME, "status": status}
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        numbers = [item["number"] for item in http.get("/api/v1/reports", params=params).json()["items"]]
    assert len(numbers) == count, "seed more reports"
    return numbers


async def idle_rate(server: CountingServer) -> float:
    before = server.statements()
    await asyncio.sleep(IDLE_SECONDS)
    return (server.statements() - before) / IDLE_SECONDS


async def measure(server: CountingServer, n: int, notes: int) -> None:
    base = server.base_url
    tokens = [server.login(user) for user in VIEWERS]
    writer = server.login("dispatcher")
    numbers = open_reports(server, writer, ["Menunggu", "Proses"], notes)
    consoles: list[Console] = []
    rates: dict[int, float] = {}
    await asyncio.sleep(1.0)
    rates[0] = await idle_rate(server)
    quiet = await asyncio.to_thread(list_latencies, base, tokens[0])
    await connect(consoles, server.port, tokens, min(100, n))
    await asyncio.sleep(1.0)
    rates[len(consoles)] = await idle_rate(server)
    started = time.perf_counter()
    await connect(consoles, server.port, tokens, n)
    print(f"{n} streams open in {time.perf_counter() - started:.1f} s")
    await asyncio.sleep(1.0)
    rates[n] = await idle_rate(server)
    busy = await asyncio.to_thread(list_latencies, base, tokens[0])
    reach: list[float] = []
    first: list[float] = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {writer}"}, timeout=30) as http:
        for number in numbers:
            sent = time.perf_counter()
            response = await asyncio.to_thread(
                http.post, f"/api/v1/reports/{number}/notes", json={"text": "Dicek ke lokasi."}
            )
            assert response.status_code == 201, response.text
            got = await arrivals(consoles, ("noted", number))
            reach.append((max(got) - sent) * 1000)
            first.append((min(got) - sent) * 1000)
            await asyncio.sleep(0.2)
    close_all(consoles)

    q50, q95, b50, b95 = statistics.median(quiet), p95(quiet), statistics.median(busy), p95(busy)
    r50, r95 = statistics.median(reach), p95(reach)
    print(f"GET /reports?limit=50, {LIST_REQUESTS} requests    p50 ms   p95 ms")
    print(f"  no stream open                     {q50:7.1f}  {q95:7.1f}")
    print(f"  {n:>5} streams open                  {b50:7.1f}  {b95:7.1f}")
    print(f"  ratio p95                          {b95 / q95:7.2f}x (target <= {LIST_TARGET:.0f}x)")
    print(f"a note reaching all {n} streams, {notes} notes: p50 {r50:.0f} ms, p95 {r95:.0f} ms")
    print(f"  the first of them: p50 {statistics.median(first):.0f} ms, p95 {p95(first):.0f} ms")
    print(f"  (target p95 <= {REACH_TARGET_MS:.0f} ms; from sending the POST to the last stream's frame)")
    print(f"statements the server ran per second while idle (counted over {IDLE_SECONDS:.0f} s):")
    for count, rate in rates.items():
        print(f"  {count:>5} streams open  {rate:6.1f}/s")


async def measure_two(one: CountingServer, two: CountingServer, n: int, assigns: int) -> None:
    """Consoles split between two processes; assigns through the first."""
    tokens = [one.login(user) for user in VIEWERS]
    writer = one.login("dispatcher")
    numbers = open_reports(one, writer, ["Menunggu"], assigns)
    here: list[Console] = []
    there: list[Console] = []
    await connect(here, one.port, tokens, n // 2)
    await connect(there, two.port, tokens, n - n // 2)
    await asyncio.sleep(1.0)
    reach: dict[str, list[float]] = {"same": [], "other": []}
    with httpx.Client(base_url=one.base_url, headers={"Authorization": f"Bearer {writer}"}, timeout=30) as http:
        for number in numbers:
            etag = (await asyncio.to_thread(http.get, f"/api/v1/reports/{number}")).headers["etag"]
            sent = time.perf_counter()
            response = await asyncio.to_thread(
                http.post, f"/api/v1/reports/{number}/assign", json={"officer": "officer"}, headers={"If-Match": etag}
            )
            assert response.status_code == 200, response.text
            reach["other"].append((max(await arrivals(there, ("assigned", number))) - sent) * 1000)
            reach["same"].append((max(await arrivals(here, ("assigned", number))) - sent) * 1000)
            await asyncio.sleep(0.2)
    close_all(here + there)
    print(f"two processes on one database, {len(here)} + {len(there)} streams, {assigns} assigns through the first:")
    for where, label in (("other", "the other process's"), ("same", "the same process's")):
        values = reach[where]
        print(f"  reaching all {label} streams: p50 {statistics.median(values):.0f} ms, p95 {p95(values):.0f} ms")
    print(f"  (target p95 <= {REACH_TARGET_MS:.0f} ms for the other process's)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consoles", type=int, default=1_000)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--db", help="a PostgreSQL URL of an empty database (default: SQLite in a temp folder)")
    parser.add_argument("--postgresql", action="store_true", help="on a throwaway PostgreSQL cluster of its own")
    parser.add_argument(
        "--two-processes", action="store_true", help="then two servers on the database, the consoles split between them"
    )
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    raise_fd_limit()
    cluster = Cluster().start() if args.postgresql else None
    try:
        with tempfile.TemporaryDirectory(prefix="crm-fanout-") as folder:
            path = Path(folder) / "crm.sqlite3"
            db = cluster.url("crm_fanout") if cluster else args.db or str(path)
            started = time.perf_counter()
            crm_server("seed", "--db", db, "--reports", str(args.reports), "--random-seed", "9")
            kind = "SQLite" if db == str(path) else "PostgreSQL"
            print(f"seeded {args.reports} reports in {time.perf_counter() - started:.0f} s ({kind})")
            caps = str(args.consoles + 100)
            caps_args = ("--max-streams", caps, "--max-streams-per-operator", caps)
            servers = [CountingServer(path, url=db, extra_args=caps_args).start()]
            try:
                asyncio.run(measure(servers[0], args.consoles, args.notes))
                if args.two_processes:
                    servers.append(CountingServer(path.with_name("two.sqlite3"), url=db, extra_args=caps_args).start())
                    asyncio.run(measure_two(servers[0], servers[1], args.consoles, args.notes))
            finally:
                for server in servers:
                    server.stop()
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["_serve_counting"]:
        serve_counting(sys.argv[2], sys.argv[3:])
    else:
        main()

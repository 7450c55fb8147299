"""Whether timing tells an out-of-scope report from a missing one: both answer 404 with one body,
and must take the same time (an out-of-scope report exists, in another agency).

    .venv/bin/python benchmarks/scope_probe_timing.py --probes 200

Seeds a fresh SQLite file in a temporary folder, serves it on a free loopback port, signs in as
the demo dispatcher (one kelurahan), and sends GET /reports/{number} for an existing report of
another agency and for a number no report has, interleaved (ABAB..., after warm-up probes of
each), over one long-lived client. Prints both medians, their ratio and the p90s. Not a test:
nothing here asserts; a ratio near 1.00 is the target.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

API = "/api/v1"
STARTUP_TIMEOUT = 120.0
WARMUP = 20
DISPATCHER = ("dispatcher", "dispatcher-demo")  # JP.GAMBIR.CIDENG
SUPERVISOR = ("supervisor", "supervisor-demo")  # all of DKI: finds a report outside Cideng
MISSING = "JK0001010001"  # a well-formed number no report has (1 January 2000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(db_path: Path, log_path: Path) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "crm_server.cli", "serve", "--db", str(db_path), "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"crm-server exited early:\n{log_path.read_text(errors='replace')}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("crm-server did not become healthy")
                time.sleep(0.1)
            yield base_url
        finally:
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


def probe(client: httpx.Client, headers: dict[str, str], number: str) -> float:
    started = time.perf_counter()
    response = client.get(f"{API}/reports/{number}", headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 404, (number, response.status_code)
    return elapsed


def run(args: argparse.Namespace, workdir: Path) -> None:
    db_path = workdir / "crm.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "crm_server.cli", "seed", "--db", str(db_path), "--reports", str(args.reports)],
        check=True,
        capture_output=True,
    )
    with running_server(db_path, workdir / "server.log") as base_url, httpx.Client(base_url=base_url) as client:
        supervisor = login(client, *SUPERVISOR)
        page = client.get(f"{API}/reports", params={"agency": "JU", "limit": 1}, headers=supervisor).json()
        elsewhere = page["items"][0]["number"]  # in Jakarta Utara: outside the dispatcher's kelurahan
        dispatcher = login(client, *DISPATCHER)
        for _ in range(WARMUP):
            probe(client, dispatcher, elsewhere)
            probe(client, dispatcher, MISSING)
        out_of_scope, missing = [], []
        for i in range(args.probes):
            pair = ((out_of_scope, elsewhere), (missing, MISSING))
            for samples, number in pair if i % 2 == 0 else reversed(pair):  # ABBA: neither always first
                samples.append(probe(client, dispatcher, number))

    def p90(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=10)[-1]

    scoped, absent = statistics.median(out_of_scope), statistics.median(missing)
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"GET /reports/{{number}} as the demo dispatcher, {args.probes} interleaved probes each, {args.reports} reports"
    )
    print(f"  out of scope ({elsewhere}): median {scoped:6.2f} ms  p90 {p90(out_of_scope):6.2f} ms")
    print(f"  missing      ({MISSING}): median {absent:6.2f} ms  p90 {p90(missing):6.2f} ms")
    print(f"  ratio out of scope / missing: {scoped / absent:.3f}  (target: 1.00)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200, help="probes of each kind")
    parser.add_argument("--reports", type=int, default=2_000, help="demo reports to seed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crm-scope-timing-") as workdir:
        run(args, Path(workdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())

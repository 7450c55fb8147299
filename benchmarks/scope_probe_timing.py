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
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import ServerProcess, crm_server  # noqa: E402

API = "/api/v1"
WARMUP = 20
DISPATCHER = "dispatcher"  # JP.GAMBIR.CIDENG
SUPERVISOR = "supervisor"  # all of DKI: finds a report outside Cideng
Samples = list[float]  # milliseconds
MISSING = "JK0001010001"  # a well-formed number no report has (1 January 2000)


def probe(client: httpx.Client, headers: dict[str, str], number: str) -> float:
    started = time.perf_counter()
    response = client.get(f"{API}/reports/{number}", headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 404, (number, response.status_code)
    return elapsed


def bearer(server: ServerProcess, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.login(username)}"}


def run(args: argparse.Namespace, workdir: Path) -> None:
    db_path = workdir / "crm.sqlite3"
    crm_server("seed", "--db", str(db_path), "--reports", str(args.reports))
    server = ServerProcess(db_path, reports=0).start()
    try:
        with httpx.Client(base_url=server.base_url) as client:
            out_of_scope, missing, elsewhere = probes(args, server, client)
    finally:
        server.stop()
    report(args, out_of_scope, missing, elsewhere)


def probes(
    args: argparse.Namespace, server: ServerProcess, client: httpx.Client
) -> tuple[list[float], list[float], str]:
    """(out-of-scope, missing) probe times in ms, and the out-of-scope report's number."""
    supervisor = bearer(server, SUPERVISOR)
    page = client.get(f"{API}/reports", params={"agency": "JU", "limit": 1}, headers=supervisor).json()
    elsewhere = page["items"][0]["number"]  # in Jakarta Utara: outside the dispatcher's kelurahan
    dispatcher = bearer(server, DISPATCHER)
    for _ in range(WARMUP):
        probe(client, dispatcher, elsewhere)
        probe(client, dispatcher, MISSING)
    out_of_scope: list[float] = []
    missing: list[float] = []
    for i in range(args.probes):
        pair = ((out_of_scope, elsewhere), (missing, MISSING))
        for samples, number in pair if i % 2 == 0 else reversed(pair):  # ABBA: neither always first
            samples.append(probe(client, dispatcher, number))
    return out_of_scope, missing, elsewhere


def report(args: argparse.Namespace, out_of_scope: list[float], missing: list[float], elsewhere: str) -> None:
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

"""Cold start: a fresh console process to its first list frame, against a minimal Textual app.

Seeds a database, serves it with `crm-server` on a free loopback port, and times fresh
processes from spawn to first frame (headless, 120x40; benchmarks/startup_probe.py), the two
interleaved in the same run:

- baseline: a minimal Textual app (one `Static`) to its first frame;
- console: `CrmApp` signing in as the demo supervisor, to the first frame of the report list.

It prints the medians of --runs of each and their ratio, wall clock (what the operator waits)
and CPU time by the first frame (the console's own work: the server's is not in it, nor are
other processes on a busy machine), for each bytecode setting asked for:

- `no-write`: PYTHONDONTWRITEBYTECODE=1, as on the machine these figures were first taken on:
  modules without a .pyc already (the project's own, in a checkout) compile from source at
  every start;
- `cached`: bytecode caches allowed, kept in a temporary PYTHONPYCACHEPREFIX (filled by one
  untimed run of each first), so nothing is written next to the sources or into the venv.

    .venv/bin/python benchmarks/cold_start.py [--runs 7] [--reports 10000] [--bytecode no-write cached]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.startup_probe import CONSOLE, MINIMAL, first_frame_ms, probe_environment  # noqa: E402
from tests.support.server import ServerProcess, crm_server  # noqa: E402

OPERATOR = "supervisor:supervisor-demo"  # sees every report


def measure(url: str, runs: int, env: dict[str, str]) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(baseline, console) first-frame (wall, cpu) times in ms, `runs` of each, interleaved."""
    baseline, console = [], []
    for _ in range(runs):
        baseline.append(first_frame_ms(MINIMAL, env=env))
        console.append(first_frame_ms(CONSOLE, url, OPERATOR, env=env))
    return baseline, console


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):5.0f} ms (min {min(values):.0f}, max {max(values):.0f})"


def ratio(console: list[float], baseline: list[float]) -> str:
    return f"{statistics.median(console) / statistics.median(baseline):.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--bytecode", nargs="+", choices=("no-write", "cached"), default=["no-write", "cached"])
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    with tempfile.TemporaryDirectory(prefix="crm-cold-start-") as folder:
        db = Path(folder) / "crm.sqlite3"
        crm_server("seed", "--db", str(db), "--reports", str(args.reports), "--random-seed", "11")
        server = ServerProcess(db, reports=0).start()
        try:
            for setting in args.bytecode:
                if setting == "no-write":
                    env = probe_environment(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=None)
                else:
                    env = probe_environment(PYTHONDONTWRITEBYTECODE=None, PYTHONPYCACHEPREFIX=f"{folder}/pycache")
                    measure(server.base_url, 1, env)  # fills the cache
                baseline, console = measure(server.base_url, args.runs, env)
                (base_wall, base_cpu), (wall, cpu) = zip(*baseline, strict=True), zip(*console, strict=True)
                print(f"\n== bytecode: {setting}; {args.reports:,} reports; {args.runs} runs each, fresh processes")
                print("                                          wall clock                       CPU time")
                print(f"minimal Textual app to its first frame    {summary(base_wall)}   {summary(base_cpu)}")
                print(f"crm-tui console to its first list frame   {summary(wall)}   {summary(cpu)}")
                print(f"ratio (console / minimal app): wall {ratio(wall, base_wall)}, CPU {ratio(cpu, base_cpu)}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()

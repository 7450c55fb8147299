"""`crm-server serve` processes forked from one that has loaded the server's code already.

A test server's process spent about a second of CPU importing FastAPI, SQLAlchemy and the
server's modules before it served, and a run starts (and restarts) dozens of them. Each test
process keeps one fork server (multiprocessing's `forkserver`: a process of its own, started
once, with no threads) that has loaded those modules; every server is a fork of it that runs
`crm-server`'s own `main()` with the arguments, the environment and the output file a subprocess
would have had, and exits with its status. What differs from `python -m crm_server.cli serve` is
what no test looks at: the program's name, and that its modules were loaded before the fork.
The executables themselves run in tests/e2e and tests/crm_server/test_cli.py.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# What a server loads before it serves (psycopg: on a PostgreSQL run; a module that cannot be
# loaded is skipped by the fork server, and the server loads it itself).
_PRELOAD = ["crm_server.cli", "crm_server.api.app", "crm_server.api.serving", "psycopg", __name__]


def spawn(argv: list[str], env: Mapping[str, str], log_path: Path) -> ForkedProcess:
    """`crm-server *argv` in a forked process with `env` as its environment and its output
    (stdout and stderr, unbuffered) written to `log_path`."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    # daemon: should its test process end without stopping it, the server is stopped too.
    process = context.Process(target=_serve, args=(argv, dict(env), str(log_path)), daemon=True)
    process.start()
    return ForkedProcess(process)


def _serve(argv: list[str], env: dict[str, str], log_path: str) -> None:
    """In the forked process: become what `crm-server` started from a shell would be, and run."""
    os.environ.clear()
    os.environ.update(env)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = _unbuffered(1)
    sys.stderr = _unbuffered(2)
    sys.argv = ["crm-server", *argv]
    from crm_server.cli import main

    sys.exit(main(argv))


def _unbuffered(fd: int) -> io.TextIOWrapper:
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", write_through=True)


class ForkedProcess:
    """What ServerProcess and the tests use of a `subprocess.Popen`, for a forked server. Its
    exit status is the fork server's to collect (it is that process's child), and reaches this
    process through multiprocessing: as Popen's, negative for a signal."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self._process = process
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        code = self._process.exitcode
        if code is None:
            raise subprocess.TimeoutExpired(["crm-server"], timeout or 0)
        return code

    def send_signal(self, signum: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

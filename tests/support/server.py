"""The real `crm-server serve` in a process of its own (forked: tests/support/server_forks.py) on a
free loopback port, stopped by its owner."""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import server_forks
from tests.support.cli import crm_server
from tests.support.server_forks import ForkedProcess

STARTUP_TIMEOUT = 60.0
DEMO_PASSWORD_SUFFIX = "-demo"  # crm_server.demo.seed: password = username + "-demo"
# For clients of the test servers, which speak plain http: a TLS context that trusts nothing,
# made once. httpx otherwise loads the CA bundle for every client it makes (each `httpx.get`
# makes one): ~70 ms of CPU each, at every health check, sign-in and event stream of a test.
PLAIN_HTTP = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class PortTaken(RuntimeError):
    """The server could not listen on its port: another process took it after free_port()."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TEMPLATES_ENV = "CRM_TEST_TEMPLATES"  # the folder of the session's seeded databases, for all its processes


def templates_folder() -> Path:
    """Where the session keeps its seeded databases: the folder tests/conftest.py made for the
    session (and its xdist workers), else one of this process's own."""
    if not os.environ.get(TEMPLATES_ENV):
        folder = tempfile.mkdtemp(prefix="crm-test-templates-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ[TEMPLATES_ENV] = folder
    return Path(os.environ[TEMPLATES_ENV])


def demo_template(reports: int, random_seed: int) -> str:
    """A database seeded as `serve --demo --reports N --random-seed S` seeds an empty one, made
    once per session (the first process to need it seeds it, the others wait) and copied for
    each server: seeding costs seconds, a copy milliseconds. Returns what `--db` names."""
    from tests.support import postgres

    name = f"demo_{reports}_{random_seed}"
    folder = templates_folder()
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / f"{name}.done"
        if postgres.wanted():
            db = postgres.cluster().address(name)
            if not done.exists():
                crm_server(
                    "seed",
                    "--db",
                    postgres.cluster().url(name),
                    "--reports",
                    str(reports),
                    "--random-seed",
                    str(random_seed),
                )
        else:
            db = str(folder / f"{name}.sqlite3")
            if not done.exists():
                crm_server("seed", "--db", db, "--reports", str(reports), "--random-seed", str(random_seed))
                with sqlite3.connect(db) as conn:  # one self-contained file, copied as it is
                    conn.execute("PRAGMA journal_mode=DELETE")
                conn.close()
        done.touch()
    return db


def query(db: str | Path, sql: str) -> list[tuple]:
    """The rows of `sql` in the database at `db`: a SQLite file, or a database URL."""
    from crm_server.storage.engine import Database

    database = Database.open(db)
    try:
        with database.read() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql)]
    finally:
        database.dispose()


def as_before_migration(db: str | Path, version: int, *statements: str) -> None:
    """Makes the database at `db` what it was before migration `version`: `statements` undo
    what that step made, and the step is no longer recorded, so `crm-server init` runs it again."""
    from crm_server.storage.engine import Database

    database = Database.open(db)
    try:
        with database.write() as conn:
            for statement in (*statements, f"DELETE FROM schema_migrations WHERE version = {int(version)}"):
                conn.exec_driver_sql(statement)
    finally:
        database.dispose()


@dataclass
class ServerProcess:
    db_path: Path
    reports: int = 300
    random_seed: int = 3
    heartbeat: float = 1.0
    port: int = 0  # 0: a free one, chosen now
    process: ForkedProcess | None = None
    log_path: Path | None = None
    extra_args: tuple[str, ...] = ()  # more `serve` options (e.g. --trusted-proxies)
    _port_chosen: bool = field(default=False, repr=False)  # may move to another free port at first start

    def __post_init__(self) -> None:
        if not self.port:
            self.port, self._port_chosen = free_port(), True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # Whether the server seeds demo data into an empty database (`serve --demo`): then its
    # database starts as a copy of the session's seeded one (demo_template).
    seeds_demo = True

    @property
    def db(self) -> str:
        """What `--db` names: the SQLite file, or on a PostgreSQL run a database of its own
        (the same one for the same path, so a restarted server finds its data)."""
        from tests.support import postgres

        if postgres.wanted():
            name = "crm_" + hashlib.sha1(str(self.db_path).encode()).hexdigest()[:16]
            seeded = (
                (lambda: demo_template(self.reports, self.random_seed).rsplit("/", 1)[1]) if self.seeds_demo else None
            )
            return postgres.cluster().url(name, template=seeded)
        return str(self.db_path)

    def _fill(self) -> None:
        """A new SQLite database starts as a copy of the seeded one (PostgreSQL: `db`)."""
        from tests.support import postgres

        if self.seeds_demo and not postgres.wanted() and not self.db_path.exists():
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(demo_template(self.reports, self.random_seed), self.db_path)

    def start(self) -> ServerProcess:
        """Starts the server and waits until it answers. The first start takes another free port
        if the one chosen was taken meanwhile (by another test process); a restart keeps its port."""
        for _attempt in range(3):
            try:
                return self._start()
            except PortTaken:
                if not self._port_chosen:
                    raise
                self.port = free_port()
        return self._start()

    def _start(self) -> ServerProcess:
        self._fill()
        self.log_path = self.db_path.with_suffix(".log")
        self.process = self._spawn(self.log_path)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "cannot listen on" in self.log():
                    raise PortTaken(self.log())
                raise RuntimeError(f"crm-server exited early:\n{self.log()}")
            if "serving on" not in self.log():  # printed once its port was found free: whatever
                time.sleep(0.1)  # answers there before is another process's
                continue
            try:
                if (
                    httpx.get(f"{self.base_url}/healthz", timeout=1.0, verify=PLAIN_HTTP).status_code == 200
                    and self.process.poll() is None
                ):
                    self._port_chosen = False  # from now on the port is the server's: a restart keeps it
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"crm-server did not become healthy:\n{self.log()}")

    def serve_args(self) -> list[str]:
        """What `crm-server serve` is given besides where to listen and the heartbeat."""
        return ["--demo", "--reports", str(self.reports), "--random-seed", str(self.random_seed)]

    def _spawn(self, log_path: Path) -> ForkedProcess:
        listen = ["--host", "127.0.0.1", "--port", str(self.port), "--heartbeat", str(self.heartbeat)]
        argv = ["serve", "--db", self.db, *listen, *self.serve_args(), *self.extra_args]
        return server_forks.spawn(argv, os.environ, log_path)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def login(self, username: str, password: str | None = None) -> str:
        """A bearer token for a demo operator."""
        response = httpx.post(
            f"{self.base_url}/api/v1/auth/login",
            json={"username": username, "password": password or username + DEMO_PASSWORD_SUFFIX},
            timeout=10,
            verify=PLAIN_HTTP,
        )
        response.raise_for_status()
        return response.json()["token"]

    def me_status(self, token: str) -> int:
        """The status of GET /me with `token`: 200 while it is valid, 401 once it is not."""
        return httpx.get(
            f"{self.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10, verify=PLAIN_HTTP
        ).status_code

    def intake_key(self) -> str:
        return crm_server("intake-key", "--db", self.db).stdout.strip()

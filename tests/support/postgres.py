"""A throwaway PostgreSQL cluster on a free loopback port, for running the server's tests on
PostgreSQL (`CRM_TEST_DATABASE=postgresql`). One cluster per test session, one database per
test server; the session starts it before pytest-xdist starts its workers, which share it (they
find it through CRM_TEST_PG_CLUSTER), and stops it at the end (tests/conftest.py).

The cluster lives in a temporary folder, trusts connections from loopback only, and runs with
fsync off: its data is thrown away. initdb refuses to run as root, so as root the cluster runs
as the `postgres` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from tests.support.server import free_port

DATABASE_ENV = "CRM_TEST_DATABASE"
SHARED_ENV = "CRM_TEST_PG_CLUSTER"  # "port folder" of the session's cluster, for its xdist workers
USER = "crm"


def wanted() -> bool:
    """Whether this test run puts the servers on PostgreSQL."""
    return os.environ.get(DATABASE_ENV, "sqlite") == "postgresql"


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"{name} not found: scripts/test installs PostgreSQL")
    return found


class Cluster:
    def __init__(self, port: int | None = None, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.data = self.folder / "data"
        self.port = port or free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._databases: set[str] = set()
        self._lock = threading.Lock()

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> Cluster:
        self._run(
            _binary("initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(
            _binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-o", options, "start"
        )
        return self

    def url(self, name: str, *, template: Callable[[], str] | None = None) -> str:
        """A database of its own for `name`, created the first time this process asks for it:
        empty, or a copy of the database `template()` names (which nothing may be connected to)."""
        if name in self._databases:
            return self.address(name)
        copy = f' TEMPLATE "{template()}"' if template else ""  # outside the lock: it may create one too
        with self._lock:
            if name not in self._databases:
                subprocess.run(
                    [
                        _binary("psql"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.port),
                        "-U",
                        USER,
                        "-d",
                        "postgres",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        f'CREATE DATABASE "{name}"{copy}',
                    ],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
                self._databases.add(name)
        return self.address(name)

    def address(self, name: str) -> str:
        """The URL of database `name`, created or not."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(
            [*self._as_user, _binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


_cluster: Cluster | None = None
_owned = False  # whether this process started the cluster (and so stops it)


def cluster() -> Cluster:
    """The session's cluster: the one the session started for its workers, else one started the
    first time a test server needs it."""
    global _cluster, _owned
    if _cluster is None:
        if shared := os.environ.get(SHARED_ENV):
            port, folder = shared.split(" ", 1)
            _cluster = Cluster(int(port), Path(folder))
        else:
            _cluster, _owned = Cluster().start(), True
    return _cluster


def start_shared() -> None:
    """Starts the session's cluster now and tells the processes started after (xdist's
    workers) where it is."""
    found = cluster()
    os.environ[SHARED_ENV] = f"{found.port} {found.folder}"


def stop() -> None:
    """Stops the cluster if this process started it (a worker leaves the shared one running)."""
    global _cluster, _owned
    if _cluster is not None and _owned:
        _cluster.stop()
        os.environ.pop(SHARED_ENV, None)
    _cluster, _owned = None, False

"""Fixtures of the console snapshots: the UI language, and a server whose content never moves."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from tests.snapshots.support import SEED_NOW, SEED_REPORTS, SEED_RANDOM
from tests.support.server import ServerProcess, crm_server
from widgets.i18n import language, set_language


@pytest.fixture
def ui_language() -> Iterator[Callable[[str], None]]:
    """`ui_language("en")`: the language of this test's console; the previous one comes back after."""
    previous = language()
    yield set_language
    set_language(previous)


class SeededServer(ServerProcess):
    """`crm-server serve` on a database seeded beforehand, served as it is (no --demo)."""

    def _spawn(self, log) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable, "-m", "crm_server.cli", "serve",
                "--db", self.db, "--host", "127.0.0.1", "--port", str(self.port),
                "--heartbeat", str(self.heartbeat),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


@pytest.fixture(scope="module")
def fixed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The same reports, history and photos on every run: a fixed random seed and a pinned 'now'.
    Tests using it only read (a dialog is opened, never confirmed), so its content stays put."""
    db = tmp_path_factory.mktemp("snapshots") / "crm.sqlite3"
    crm_server(
        "seed", "--db", str(db), "--reports", str(SEED_REPORTS),
        "--random-seed", str(SEED_RANDOM), "--now", str(SEED_NOW),
    )
    server = SeededServer(db).start()
    yield server
    server.stop()

"""Fixtures of the console snapshots: a server whose content never moves (the UI language: the
`ui_language` fixture of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.snapshots.support import SEED_NOW, SEED_RANDOM, SEED_REPORTS
from tests.support.cli import crm_server
from tests.support.server import ServerProcess


class SeededServer(ServerProcess):
    """`crm-server serve` on a database seeded beforehand, served as it is (no --demo)."""

    seeds_demo = False

    def serve_args(self) -> list[str]:
        return []


@pytest.fixture(scope="module")
def fixed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The same reports, history and photos on every run: a fixed random seed and a pinned 'now'.
    Tests using it only read (a dialog is opened, never confirmed), so its content stays put."""
    server = SeededServer(tmp_path_factory.mktemp("snapshots") / "crm.sqlite3")
    crm_server(  # the database it serves: the SQLite file, or on a PostgreSQL run its own database
        "seed",
        "--db",
        server.db,
        "--reports",
        str(SEED_REPORTS),
        "--random-seed",
        str(SEED_RANDOM),
        "--now",
        str(SEED_NOW),
    )
    server.start()
    yield server
    server.stop()

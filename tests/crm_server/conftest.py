"""Fixtures of the server tests: this folder's seeded server through `Api`, and servers of a test's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.crm_server.helpers import Api
from tests.support.server import ServerProcess


@pytest.fixture(scope="session")
def server_suite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A seeded server for this folder only: its tests add reports, operators and events, which
    would change what the other folders' tests read on the shared demo server."""
    server = ServerProcess(tmp_path_factory.mktemp("crm_server") / "crm.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api(server_suite_server) -> Iterator[Api]:
    """Tests that write use reports they submitted themselves."""
    client = Api(server_suite_server)
    yield client
    client.close()


@pytest.fixture
def make_api(make_server) -> Iterator[Callable[..., Api]]:
    """An `Api` over a fresh server of the test's own (stopped after the test)."""
    clients: list[Api] = []

    def start(**kwargs) -> Api:
        client = Api(make_server(**kwargs))
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()

"""Fixtures of the server tests: the shared demo server through `Api`, and servers of a test's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.crm_server.helpers import Api


@pytest.fixture(scope="session")
def api(demo_server) -> Iterator[Api]:
    """The shared demo server. Tests that write use reports they submitted themselves."""
    client = Api(demo_server)
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

"""Fixtures for the client's tests: signed-in clients of the real server, quick retry settings,
and transport wrappers that count requests or inject the faults a real server cannot produce."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest

from api_client import CrmClient, RetryPolicy, Timeouts
from tests.support.server import DEMO_PASSWORD_SUFFIX, ServerProcess

# Waits of a few milliseconds keep retry tests fast; the logic is the same as with the defaults.
FAST_RETRY = RetryPolicy(max_retries=3, initial_backoff=0.01, max_backoff=0.05, retry_after_cap=2.0)
QUICK = Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0, deadline=10.0, stream_read=5.0)

HOME = "JP.GAMBIR.CIDENG"
# The demo seed's 300 reports (the session's seeded database, copied): in the dispatcher's kelurahan
# 16 in progress and 8 waiting unassigned, enough for this folder's claims (8 and 4).
WRITE_SERVER_REPORTS = 300
DISPLAY_NAMES = {"dispatcher": "Sari Wulandari", "officer": "Budi Santoso", "officer2": "Rina Marlina"}


class Recorder(httpx.AsyncBaseTransport):
    """Forwards every request to `inner` (the real network by default) and keeps a copy of it."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


ClientFactory = Callable[..., Awaitable[CrmClient]]


@pytest.fixture
async def client_for(demo_server: ServerProcess) -> AsyncIterator[ClientFactory]:
    """`await client_for("dispatcher")`: a client signed in through its own `login`; every client
    made is closed after the test. `server=` picks another server, `None` as user: signed out."""
    made: list[CrmClient] = []

    async def make(user: str | None = "dispatcher", *, server: ServerProcess | None = None, **kwargs) -> CrmClient:
        kwargs.setdefault("retry", FAST_RETRY)
        kwargs.setdefault("timeouts", QUICK)
        client = CrmClient((server or demo_server).base_url, **kwargs)
        made.append(client)
        if user is not None:
            await client.login(user, user + DEMO_PASSWORD_SUFFIX)
        return client

    yield make
    for client in made:
        await client.aclose()


class Claims:
    """Reports handed out to tests of a shared server, each to one test only, so that no test
    depends on what another one wrote."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, numbers: list[str], count: int = 1) -> list[str]:
        free = [n for n in numbers if n not in self.taken][:count]
        assert len(free) == count, "the shared server ran out of reports for this test"
        self.taken.update(free)
        return free


@pytest.fixture(scope="module")
def write_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of this module's own, for tests that change reports (each claims its own)."""
    server = ServerProcess(tmp_path_factory.mktemp("writes") / "crm.sqlite3", reports=WRITE_SERVER_REPORTS).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def claims() -> Claims:
    return Claims()

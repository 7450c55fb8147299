"""Signing in again while signed in (as unlocking the console does): the old token is revoked,
and a call that was out with it is answered under the new one instead of ending the session."""

from __future__ import annotations

import httpx
import pytest

from api_client import CrmClient, Unauthorized
from tests.api_client.conftest import FAST_RETRY, QUICK


async def test_revoke_previous_ends_the_old_token_only_when_asked(demo_server, client_for):
    client = await client_for("officer")
    first = client.token
    await client.login("officer", "officer-demo")
    second = client.token
    assert demo_server.me_status(first) == 200  # not asked: both stay valid
    await client.login("officer", "officer-demo", revoke_previous=True)
    third = client.token
    assert len({first, second, third}) == 3
    assert demo_server.me_status(second) == 401 and demo_server.me_status(third) == 200
    assert (await client.me()).username == "officer"


class ReplaceTokenOnce(httpx.AsyncBaseTransport):
    """Injects the race: as the first list request leaves with the old token, the client signs in
    again elsewhere (its token replaced, the old one revoked)."""

    def __init__(self, server, new_token: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.server = server
        self.new_token = new_token
        self.client: CrmClient | None = None
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/reports"):
            used = request.headers["Authorization"].removeprefix("Bearer ")
            self.sent.append(used)
            if len(self.sent) == 1:
                async with httpx.AsyncClient() as other:
                    revoked = await other.post(
                        f"{self.server.base_url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {used}"}
                    )
                assert revoked.status_code == 204
                self.client.token = self.new_token
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_call_out_when_the_token_is_replaced_goes_again_with_the_new_one(demo_server, client_for):
    newer = (await client_for("dispatcher")).token
    transport = ReplaceTokenOnce(demo_server, newer)
    async with CrmClient(demo_server.base_url, transport=transport, retry=FAST_RETRY, timeouts=QUICK) as client:
        transport.client = client
        await client.login("dispatcher", "dispatcher-demo")
        old = client.token
        page = await client.list_reports(limit=3)
        assert len(page.items) == 3
        assert transport.sent == [old, newer]


async def test_a_revoked_token_that_was_not_replaced_still_ends_the_session(demo_server, client_for):
    client = await client_for("dispatcher")
    other = await client_for(None)
    other.token = client.token
    await other.logout()
    with pytest.raises(Unauthorized):
        await client.list_reports(limit=1)

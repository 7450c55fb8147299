"""A transport between the console and the real server that injects the faults a running server
cannot be made to produce on cue: a request that stalls, one that times out, an event stream
that never delivers. Everything else goes through to the server as it is."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import httpx

Match = Callable[[httpx.Request], bool]


def report_get(number: str | None = None) -> Match:
    """GET of one report (any report when `number` is None)."""
    pattern = re.compile(r"/api/v1/reports/(JK[0-9]+)$")

    def match(request: httpx.Request) -> bool:
        found = pattern.search(request.url.path)
        return request.method == "GET" and found is not None and (number is None or found.group(1) == number)

    return match


def events(request: httpx.Request) -> bool:
    return request.url.path.endswith("/events")


def health(request: httpx.Request) -> bool:
    return request.url.path.endswith("/healthz")


class Faults(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []
        self._stall: list[tuple[Match, asyncio.Event]] = []
        self._time_out: list[Match] = []
        self._throttle: list[Match] = []

    def stall(self, match: Match) -> asyncio.Event:
        """Requests that `match` wait until the returned event is set (for ever, if never)."""
        gate = asyncio.Event()
        self._stall.append((match, gate))
        return gate

    def time_out(self, match: Match) -> Callable[[], None]:
        """Requests that `match` time out before the server answers (retries included), until
        the returned function is called."""
        self._time_out.append(match)
        return lambda: self._time_out.remove(match)

    def throttle(self, match: Match) -> None:
        """Requests that `match` are answered 429 (retry after 30 s), as a throttling proxy would."""
        self._throttle.append(match)

    def count(self, match: Match) -> int:
        return sum(1 for request in self.requests if match(request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if any(match(request) for match in self._time_out):
            raise httpx.ReadTimeout("injected", request=request)
        if any(match(request) for match in self._throttle):
            body = {"error": "rate_limited", "message": "Too many requests."}
            return httpx.Response(429, headers={"Retry-After": "30"}, json=body, request=request)
        for match, gate in self._stall:
            if match(request):
                await gate.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

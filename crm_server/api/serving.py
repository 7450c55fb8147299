"""Serving the application with uvicorn, stopping at once with event streams open."""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI

from crm_server import malloc_arenas


class _Server(uvicorn.Server):
    """uvicorn lets every open response finish before it stops, and an event stream never
    finishes by itself: a server with consoles connected would wait out its grace period (or
    forever). Told first, the streams end at once with a reconnect hint, their clients reconnect
    once the server is back (resuming from their last event), requests in flight finish, and the
    server stops."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.state.stopping = True
        self._app.state.fanout.wake_all()
        await super().shutdown(sockets)


def serve(app: FastAPI, host: str, port: int, *, trusted_proxies: tuple[str, ...] = ()) -> None:
    """Serve `app` until SIGINT or SIGTERM.

    `trusted_proxies`: the addresses or networks whose X-Forwarded-For names the client (what
    sign-in throttling and the audit trail count by). None by default, loopback included:
    trusted from anywhere, the header would let one client pose as many and spread its guesses
    (uvicorn on its own trusts it from 127.0.0.1)."""
    malloc_arenas.bound()  # before the request threads start: they would each take a heap
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) if trusted_proxies else None,
    )
    _Server(config, app).run()

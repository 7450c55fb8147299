"""Serving the application with uvicorn, stopping at once with event streams open."""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI


class _Server(uvicorn.Server):
    """uvicorn lets every open response finish before it stops, and an event stream never
    finishes by itself: a server with consoles connected would wait out its grace period (or
    forever). Told first, the streams end within a poll, their clients reconnect once the server
    is back, and the server stops at once."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.state.stopping = True
        await super().shutdown(sockets)


def serve(app: FastAPI, host: str, port: int) -> None:
    """Serve `app` until SIGINT or SIGTERM."""
    _Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False), app).run()

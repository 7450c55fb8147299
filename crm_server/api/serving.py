"""Serving the application with uvicorn, stopping at once with event streams open; in one
process, or in several that share one listening socket (`run_processes`)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from crm_server import malloc_arenas

_PR_SET_PDEATHSIG = 1  # Linux prctl(2): a signal for this process when its parent dies
STOP_GRACE_SECONDS = 30.0


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


def serve(
    app: FastAPI,
    host: str,
    port: int,
    *,
    trusted_proxies: tuple[str, ...] = (),
    sock: socket.socket | None = None,
) -> None:
    """Serve `app` until SIGINT or SIGTERM.

    `trusted_proxies`: the addresses or networks whose X-Forwarded-For names the client (what
    sign-in throttling and the audit trail count by). None by default, loopback included:
    trusted from anywhere, the header would let one client pose as many and spread its guesses
    (uvicorn on its own trusts it from 127.0.0.1). `sock`: a listening socket to accept on
    (shared with other processes) instead of binding `host`:`port`."""
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
    _Server(config, app).run(sockets=[sock] if sock is not None else None)


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound and listening before any process serves it: connections wait in its backlog."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run_processes(count: int, work: Callable[[], None]) -> int:
    """Runs `work` in `count` child processes (forked: each opens its own database connections)
    and waits. SIGINT or SIGTERM here is passed once to every child, which stops as one server
    does; a child that ends on its own stops the others (a supervisor such as systemd restarts
    the whole). Children die with this process if it is killed. Returns the exit status."""
    children: set[int] = set()
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            _child(work)
        children.add(pid)
    deadline: float | None = None  # once stopping: when what is left is killed

    def stop(signum: int, _frame: object = None) -> None:
        nonlocal deadline
        if deadline is None:
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            for pid in children:
                _signal(pid, signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while children:
        pid, wait_status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            if deadline is not None and time.monotonic() > deadline:
                for left in children:
                    _signal(left, signal.SIGKILL)
            time.sleep(0.1)
            continue
        children.discard(pid)
        code = os.waitstatus_to_exitcode(wait_status)
        if deadline is None:  # ended on its own: the others stop too, and the status says so
            status = 1
            stop(signal.SIGTERM)
        elif code not in (0, -signal.SIGTERM, -signal.SIGINT):
            status = 1
    return status


def _child(work: Callable[[], None]) -> None:
    # Its own process group: a terminal's Ctrl+C reaches the parent alone, which passes it on
    # once (a second SIGINT would make uvicorn skip the graceful stop).
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    code = 0
    try:
        work()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        pass
    except BaseException as exc:  # noqa: BLE001 - a child never returns into the parent's code
        code = 1
        # The kind alone: a message or a traceback's locals may hold request data.
        print(f"a serving process failed: {type(exc).__name__}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.kill(pid, signum)

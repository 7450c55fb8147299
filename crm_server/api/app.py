"""The ASGI application: `create_app(db)` wires routes, guards and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import Depends, FastAPI

from crm_server.api import error_handlers, metrics, openapi_doc
from crm_server.api.event_fanout import STREAMS_PER_OPERATOR, STREAMS_PER_PROCESS, EventFanout
from crm_server.api.middleware import RequestGuard
from crm_server.api.open_streams import OpenStreams
from crm_server.api.query_rules import single_values
from crm_server.api.routes import (
    auth,
    events,
    health,
    intake,
    lifecycle,
    open311,
    reference,
    reports,
    stats,
    templates,
)
from crm_server.api.routes.errors_doc import DATABASE_FAULT
from crm_server.services.directory import Directory
from crm_server.storage.bootstrap import initialise
from crm_server.storage.engine import Database

API_PREFIX = "/api/v1"
HEARTBEAT_SECONDS = 15.0


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The process's event reader and token sweeper run as long as the server does."""
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(app.state.fanout.run)
        tasks.start_soon(app.state.streams.run, app.state.db)
        yield
        tasks.cancel_scope.cancel()


def create_app(
    db: Database,
    *,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
    max_streams: int = STREAMS_PER_PROCESS,
    max_streams_per_operator: int = STREAMS_PER_OPERATOR,
    boundaries_file: Path | None = None,
) -> FastAPI:
    initialise(db)
    app = FastAPI(
        lifespan=_lifespan,
        title="CRM operator API",
        version="1.0",
        description="The operator and intake API of the CRM reference backend. Reporter identity "
        "is accepted at intake and never returned by any endpoint.",
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.db = db
    app.state.directory = Directory(db, boundaries_file=boundaries_file)
    app.state.heartbeat_seconds = heartbeat_seconds
    app.state.streams = OpenStreams()  # the open event streams, which sign-out and revocation end
    # One reader of the event log for the process, handing events to its streams (api/event_fanout.py).
    app.state.fanout = EventFanout(db, max_streams=max_streams, max_streams_per_operator=max_streams_per_operator)
    app.state.stopping = False  # set as the server begins to stop: event streams end (api/serving.py)
    app.state.metrics = metrics.Metrics(app.state)  # this process's own (GET /metrics)
    app.state.metrics.fanout_lag.set_function(lambda: app.state.fanout.lag_seconds)
    app.add_middleware(RequestGuard)
    app.add_middleware(metrics.MetricsMiddleware)  # outermost: counts what RequestGuard refuses too
    error_handlers.install(app)
    app.include_router(health.router)  # also at the root, where probes look for it
    app.include_router(metrics.router)  # at the root too, where Prometheus looks for it
    once = [Depends(single_values)]  # a single-value query parameter given twice is a 422
    app.include_router(health.router, prefix=API_PREFIX, dependencies=once)  # declares its own 503s
    routers = (auth, reference, templates, reports, stats, lifecycle, events, intake)
    for router in (module.router for module in routers):
        app.include_router(router, prefix=API_PREFIX, dependencies=once, responses=DATABASE_FAULT)
    app.include_router(open311.router)  # Open311 GeoReport v2, at the path its apps expect
    openapi_doc.install(app, app.state.directory)
    return app

"""Prometheus metrics of this server process, at `GET /metrics` beside `/healthz`: counts and
durations only. Requests are labelled by route template (`/api/v1/reports/{number}`), never by
the path as sent: a report number, or anything a client makes up, is no label. Nothing here
names an operator, a reporter or a word of a report.

Each process counts its own (several processes on one database: scrape each). The event streams,
the database pool, the process and the fan-out's lag (api/event_fanout.py) are read at scrape
time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.routing import RouteContext, iter_route_contexts
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from starlette.datastructures import State
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "unmatched"  # the route of a path no route serves (a 404 for any made-up path)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})  # any other: "other"

router = APIRouter(include_in_schema=False)


class Metrics:
    """The metrics of one application (its own registry: two apps in one process count apart)."""

    def __init__(self, state: State) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.templates = _Templates()
        self.requests = Counter(
            "http_requests",
            "Requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from the request's arrival to its answer's head (an event stream: until it starts).",
            ["method", "route"],
            registry=self.registry,
        )
        self.fanout_lag = Gauge(
            "event_fanout_lag_seconds",
            "How far the event fan-out of this process runs behind the event log.",
            registry=self.registry,
        )
        self.registry.register(_AtScrape(state))
        ProcessCollector(registry=self.registry)  # resident memory, CPU, open files


class _AtScrape:
    """What is read when scraped: the open event streams and the database pool."""

    def __init__(self, state: State) -> None:
        self._state = state

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "event_streams_connected", "Event streams open in this process.", value=len(self._state.streams)
        )
        use = self._state.db.pool_use()  # read each time: the database can be swapped
        if use is not None:
            yield GaugeMetricFamily("db_pool_connections_checked_out", "Database connections in use.", value=use[0])
            yield GaugeMetricFamily(
                "db_pool_size", "Database connections the pool keeps (more may overflow).", value=use[1]
            )


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts every answer and times it to its head; outermost, so that what RequestGuard
    answers before routing (a refused intake key, a body too large) counts too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"] if scope["method"] in _METHODS else "other"

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                recorded: Metrics = scope["app"].state.metrics
                route = recorded.templates.of(scope)
                recorded.latency.labels(method, route).observe(time.perf_counter() - started)
                recorded.requests.labels(method, route, str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


class _Templates:
    """The route template a request's path and method match, as the router would pick it: the
    first full match, else the first path-only match (a 405), else UNMATCHED. Read from the
    application's routes, with their prefixes, on first use (after every router is included)."""

    def __init__(self) -> None:
        self._routes: list[tuple[RouteContext, str]] | None = None

    def of(self, scope: Scope) -> str:
        if self._routes is None:
            self._routes = [(r, r.path_format) for r in iter_route_contexts(scope["app"].routes) if r.path_format]
        partial = None
        for route, template in self._routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return template
            if match is Match.PARTIAL and partial is None:
                partial = template
        return partial or UNMATCHED

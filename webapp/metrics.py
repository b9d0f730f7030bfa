"""Prometheus metrics at `/metrics` (text format, prometheus-client).

Requests: counts by method, route (the route's template, `/hotels/{hotel_id}`, never the
raw path) and status, and latency by method and route, counted by this worker process.
Crawls and the outbox: read from the database at each scrape (models/operations.py),
so they are the same whichever process did the work: crawl runs by operator and status,
offers stored and dropped by operator, the latest run's drops by reason, and the outbox's
messages by status (pending is its depth, failed its failures).

`/metrics` answers a scraper with `Authorization: Bearer <TOURSCOPE_METRICS_TOKEN>`; with
no token configured, only a client on this machine (loopback).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.operations import crawl_totals, last_run_drop_reasons, outbox_depth
from tourscope.foundation.settings import get_settings
from webapp.client_address import client_address
from webapp.deps import DatabaseUnavailable, open_session

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
LOOPBACK = {"127.0.0.1", "::1"}


class OperationsCollector(Collector):
    """Crawl outcomes and the outbox, from the database, at each scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "tourscope_metrics_database_up", "1 when the database answered this scrape"
        )
        try:
            with open_session() as session:
                totals = crawl_totals(session)
                drops = last_run_drop_reasons(session)
                outbox = outbox_depth(session)
        except (SQLAlchemyError, DatabaseUnavailable):
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        runs = CounterMetricFamily(
            "tourscope_crawl_runs",
            "Crawl runs by operator and status",
            labels=["operator", "status"],
        )
        stored = CounterMetricFamily(
            "tourscope_crawl_offers_stored", "Offers stored by crawls", labels=["operator"]
        )
        dropped = CounterMetricFamily(
            "tourscope_crawl_offers_dropped", "Offers dropped by crawls", labels=["operator"]
        )
        sums: dict[str, list[int]] = {}
        for row in totals:
            runs.add_metric([row.operator, row.status], row.runs)
            pair = sums.setdefault(row.operator, [0, 0])
            pair[0] += row.offers_stored
            pair[1] += row.offers_dropped
        for operator, (stored_count, dropped_count) in sums.items():
            stored.add_metric([operator], stored_count)
            dropped.add_metric([operator], dropped_count)
        reasons = GaugeMetricFamily(
            "tourscope_crawl_last_run_dropped",
            "Offers dropped in each operator's latest finished crawl, by reason",
            labels=["operator", "reason"],
        )
        for operator, counted in drops.items():
            for reason, count in counted:
                reasons.add_metric([operator, reason], count)
        messages = GaugeMetricFamily(
            "tourscope_outbox_messages", "Outbox messages by status", labels=["status"]
        )
        for status in ("pending", "sent", "failed"):
            messages.add_metric([status], outbox.get(status, 0))
        yield from (runs, stored, dropped, reasons, messages)


class Metrics:
    """One app's registry: its request metrics and the operations collector."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tourscope_http_requests",
            "HTTP requests answered, by method, route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tourscope_http_request_duration_seconds",
            "Seconds from a request's arrival to the end of its answer, by method and route",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(OperationsCollector())


def route_label(scope: Scope) -> str:
    """The matched route's template; static files as one; anything else "unmatched"."""
    route = getattr(scope.get("route"), "path", None)
    if route:
        return route
    return "/static" if scope["path"].startswith("/static/") else "unmatched"


class RequestMetrics:
    """Counts each HTTP request and times it, once its answer has been sent."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            route = route_label(scope)
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(
                time.perf_counter() - started
            )


router = APIRouter()


def _allowed(request: Request) -> bool:
    token = get_settings().metrics_token
    if token is None:
        return client_address(request) in LOOPBACK
    given = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    return hmac.compare_digest(given.encode(), expected.encode())


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    if not _allowed(request):
        return PlainTextResponse("Not Found", status_code=404)
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

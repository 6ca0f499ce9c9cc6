"""Prometheus metrics: requests counted by method, route and status, and their latency.

Routes are labelled by their URL rule (`/users/<int:user_id>`), never by the raw path, so the
number of time series stays bounded whatever clients request; a URL that matches no route is
`<unmatched>`. Every app gets its own `CollectorRegistry`, so tests that build several apps do not
collide on metric names.

Under gunicorn with several workers each worker counts only its own requests. Set
`PROMETHEUS_MULTIPROC_DIR` (in the environment, before the process starts) to an empty writable
directory: prometheus-client then keeps the values in files there and `/metrics` adds up every
worker's files with `MultiProcessCollector`. Empty the directory when the service (re)starts.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)
EXTENSION_KEY = "examhall.metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    multiproc_dir: str | None
    # prometheus-client looks a labelled child up under a lock on every `labels()` call; routes,
    # methods and statuses are bounded sets, so each child is looked up once.
    _counters: dict[tuple[str, str, int], Any] = field(default_factory=dict)
    _timers: dict[tuple[str, str], Any] = field(default_factory=dict)

    def record(self, method: str, route: str, status: int, seconds: float | None) -> None:
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = self._counters[(method, route, status)] = self.requests.labels(
                method, route, str(status)
            )
        counter.inc()
        if seconds is not None:
            timer = self._timers.get((method, route))
            if timer is None:
                timer = self._timers[(method, route)] = self.latency.labels(method, route)
            timer.observe(seconds)

    def exposition(self) -> bytes:
        if self.multiproc_dir:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.multiproc_dir)
            return generate_latest(registry)
        return generate_latest(self.registry)


def route_label() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED


def method_label() -> str:
    return request.method if request.method in METHODS else "OTHER"


def register_metrics(app: Flask) -> None:
    multiproc_dir = app.config.get("PROMETHEUS_MULTIPROC_DIR") or None
    if multiproc_dir and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        log.warning(
            "PROMETHEUS_MULTIPROC_DIR is configured but not in the environment; prometheus-client "
            "only writes to the directory when the variable is set before it is imported"
        )
    registry = CollectorRegistry(auto_describe=True)
    # what the default registry would show: this process's CPU, memory, open files, GC
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    metrics = Metrics(
        registry=registry,
        requests=Counter(
            "examhall_http_requests",
            "HTTP requests by method, route and status code",
            ["method", "endpoint", "status"],
            registry=registry,
        ),
        latency=Histogram(
            "examhall_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            ["method", "endpoint"],
            registry=registry,
        ),
        multiproc_dir=multiproc_dir,
    )
    app.extensions[EXTENSION_KEY] = metrics

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        seconds = None if started is None else time.perf_counter() - started
        metrics.record(method_label(), route_label(), response.status_code, seconds)
        return response


def record(app: Flask, method: str, route: str, status: int, seconds: float) -> None:
    """For a response that did not go through Flask's hooks (the answer-sync fast path)."""
    app.extensions[EXTENSION_KEY].record(method, route, status, seconds)


def exposition(app: Flask) -> tuple[bytes, str]:
    return app.extensions[EXTENSION_KEY].exposition(), CONTENT_TYPE_LATEST

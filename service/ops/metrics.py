"""Prometheus metrics in a registry of their own (several apps in one process share it safely).

Request latency and upload bytes are counted by the middleware as requests pass; jobs by state and
queue depth are read when Prometheus scrapes, so they are always the database's and the queue's truth.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.jobs import repository as jobs_repo
from service.jobs.queue import huey_app
from service.models.ops import JOB_STATUSES

log = logging.getLogger("kho.metrics")
REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "kho_http_request_duration_seconds", "HTTP request latency by route template",
    ["method", "route", "status"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120))
IN_FLIGHT = Gauge("kho_http_requests_in_flight", "Requests being served", registry=REGISTRY)
UPLOAD_BYTES = Counter("kho_upload_bytes_total", "Request-body bytes received on upload paths",
                       ["path"], registry=REGISTRY)
RATE_LIMITED = Counter("kho_rate_limited_total", "Requests refused by the rate limiter", ["scope"],
                       registry=REGISTRY)


class _StateCollector(Collector):
    """Jobs by state (from the jobs table) and queue depth (from the queue) of one runtime, at scrape time."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Without describe() the registry calls collect() at registration, i.e. queries the database
        # while the app is still being built.
        yield GaugeMetricFamily("kho_jobs", "Jobs by state", labels=["state"])
        yield GaugeMetricFamily("kho_queue_depth", "Messages waiting in the job queue", labels=["queue"])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily("kho_jobs", "Jobs by state", labels=["state"])
        for state, count in _job_counts(self.rt).items():
            jobs.add_metric([state], count)
        yield jobs
        depth = GaugeMetricFamily("kho_queue_depth", "Messages waiting in the job queue", labels=["queue"])
        pending, scheduled = _queue_depth(self.rt)
        depth.add_metric(["pending"], pending)
        depth.add_metric(["scheduled"], scheduled)
        yield depth


def _job_counts(rt: Runtime) -> dict[str, float]:
    counts: dict[str, float] = dict.fromkeys(JOB_STATUSES, 0.0)
    try:
        with unit_of_work(rt.sessionmaker) as session:
            counts.update((state, float(n)) for state, n in jobs_repo.count_by_status(session).items())
    except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
        log.warning("metrics: cannot count jobs", exc_info=True)
        return {}
    return counts


def _queue_depth(rt: Runtime) -> tuple[float, float]:
    try:
        huey = huey_app(rt).huey
        return float(huey.pending_count()), float(huey.scheduled_count())
    except Exception:  # noqa: BLE001
        log.warning("metrics: cannot read the queue", exc_info=True)
        return -1.0, -1.0


def render(rt: Runtime) -> bytes:
    """The process's request metrics, then the state of the runtime serving the scrape (a registry of its
    own per scrape: the state is read from that runtime's database and queue, not a process-wide one)."""
    state = CollectorRegistry(auto_describe=True)
    state.register(_StateCollector(rt))
    return generate_latest(REGISTRY) + generate_latest(state)

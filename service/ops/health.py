"""Liveness and readiness. `/readyz` runs its probes in parallel under one deadline, so a hung dependency
(an S3 server that accepts connections and never answers) gives 503 within READY_DEADLINE seconds instead
of blocking; probes touch only unique, self-removing names, so parallel checks never collide."""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections.abc import Callable
from typing import Annotated

import httpx
import redis
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from service.core.db import ping
from service.core.runtime import Runtime, runtime_of
from service.jobs.queue import huey_app
from service.ops.ratelimit import limiter_status

router = APIRouter(tags=["health"])
READY_DEADLINE = 1.8  # seconds for all probes together; a load balancer's check usually allows 2
PROBE_TIMEOUT = 1.0


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _database(rt: Runtime) -> None:
    ping(rt.engine)


def _storage(rt: Runtime) -> None:
    rt.store.health()


def _queue(rt: Runtime) -> None:
    settings = rt.settings
    if settings.queue.backend == "redis":
        client = redis.Redis.from_url(settings.queue.redis_url, socket_connect_timeout=PROBE_TIMEOUT,
                                      socket_timeout=PROBE_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
        return
    huey_app(rt).huey.pending_count()  # opens the SQLite queue file


def _search(rt: Runtime) -> None:
    settings = rt.settings
    if settings.search.engine == "postgres":
        health = rt.search_index.health()
        if not health.ok:
            raise RuntimeError(health.detail)
        return
    if settings.search.engine == "meilisearch":
        r = httpx.get(settings.search.meili_url.rstrip("/") + "/health", timeout=PROBE_TIMEOUT)
        r.raise_for_status()
        return
    folder = settings.search.index_dir
    folder.mkdir(parents=True, exist_ok=True)  # the embedded engine creates its index here on first use
    probe = folder / f".readyz-{uuid.uuid4().hex}"  # one name per call: parallel probes never collide
    try:
        probe.write_bytes(b"ok")
    finally:
        probe.unlink(missing_ok=True)


CHECKS: dict[str, Callable[[Runtime], None]] = {"database": _database, "storage": _storage, "queue": _queue,
                                                "search": _search}


def run_checks(checks: dict[str, Callable[[], None]], deadline: float) -> dict[str, str]:
    """Each check in its own daemon thread; one still running at the deadline is reported as timed out
    (its thread ends on its own timeout, and nothing waits for it)."""
    results: dict[str, str] = {}
    lock = threading.Lock()

    def run(name: str, check: Callable[[], None]) -> None:
        try:
            check()
            outcome = "ok"
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            outcome = f"error: {type(exc).__name__}"
        with lock:
            results[name] = outcome

    threads = [threading.Thread(target=run, args=item, name=f"kho-readyz-{item[0]}", daemon=True)
               for item in checks.items()]
    end = time.monotonic() + deadline
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    with lock:  # whatever has not answered by now missed the deadline
        return {name: results.get(name, "error: timeout") for name in checks}


@router.get("/readyz")
def readyz(rt: Annotated[Runtime, Depends(runtime_of)]) -> JSONResponse:
    checks = run_checks({name: functools.partial(check, rt) for name, check in CHECKS.items()}, READY_DEADLINE)
    ok = all(v == "ok" for v in checks.values())
    # A degraded limiter still limits (per process): reported, but not a reason to take the API out.
    checks["rate_limiter"] = limiter_status(rt)
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)

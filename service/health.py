from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.db import get_engine
from service.runtime import get_store

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _database() -> None:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))


def _storage() -> None:
    get_store().health()


def _queue() -> None:
    from service.config import get_settings
    from service.jobs.queue import get_huey_app

    if get_settings().queue == "redis":
        import redis

        client = redis.Redis.from_url(get_settings().redis_url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return
    get_huey_app().huey.pending_count()  # opens the SQLite queue file


def _search() -> None:
    import httpx

    from service.config import get_settings

    settings = get_settings()
    if settings.search == "postgres":
        from service.runtime import get_search_index

        health = get_search_index().health()
        if not health.ok:
            raise RuntimeError(health.detail)
        return
    if settings.search == "meilisearch":
        r = httpx.get(settings.meili_url.rstrip("/") + "/health", timeout=2.0)
        r.raise_for_status()
        return
    folder = settings.search_dir
    folder.mkdir(parents=True, exist_ok=True)  # the embedded engine creates its index here on first use
    probe = folder / ".readyz"
    probe.write_bytes(b"ok")
    probe.unlink()


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "storage": _storage, "queue": _queue,
                                         "search": _search}


@router.get("/readyz")
def readyz() -> JSONResponse:
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            checks[name] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)

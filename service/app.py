"""The FastAPI application: routers, problem+json error handling, security headers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import PROBLEM_JSON, KhoError, ServiceUnavailable
from service.http_methods import HeadAsGet, RouteMethods, allow_header
from storage.base import StorageFull, StorageUnavailable

log = logging.getLogger("kho.api")


def problem_response(exc: KhoError, request: Request) -> JSONResponse:
    return JSONResponse(exc.to_problem(instance=str(request.url.path)), status_code=exc.status,
                        media_type=PROBLEM_JSON, headers=exc.headers)


def _validation_reason(errors: list[Any]) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in errors[:5])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KhoError)
    async def _kho(request: Request, exc: KhoError) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        problem = KhoError("validation_failed", status=422, reason=_validation_reason(errors),
                           extra={"errors": errors[:20]})
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return problem_response(_method_not_allowed(app, request), request)
        code = {404: "not_found", 401: "unauthorized", 403: "forbidden"}.get(
            exc.status_code, "bad_request" if exc.status_code < 500 else "internal_error")
        problem = KhoError(code, status=exc.status_code, what="đường dẫn / path", reason=str(exc.detail),
                           headers=dict(exc.headers or {}))
        return problem_response(problem, request)

    @app.exception_handler(StorageUnavailable)
    async def _storage(request: Request, exc: StorageUnavailable) -> JSONResponse:
        return problem_response(ServiceUnavailable("storage_unavailable"), request)

    @app.exception_handler(StorageFull)
    async def _full(request: Request, exc: StorageFull) -> JSONResponse:
        return problem_response(KhoError("storage_full", status=507), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        from sqlalchemy.exc import DataError, OperationalError
        from sqlalchemy.exc import TimeoutError as PoolTimeout

        if isinstance(exc, OperationalError | PoolTimeout):  # down, or every connection busy: retry later
            busy = ServiceUnavailable("database_unavailable", headers={"Retry-After": "2"})
            return problem_response(busy, request)
        if isinstance(exc, DataError | OverflowError):  # last line behind service/inputs: a value the
            # database refuses (NUL on PostgreSQL, an integer past 64 bits on SQLite, a date out of range)
            log.warning("refused value on %s: %s", request.url.path, (str(exc).splitlines() or [""])[0], exc_info=exc)
            return problem_response(KhoError("unstorable_value", status=422), request)
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(KhoError("internal_error", status=500), request)


def _method_not_allowed(app: FastAPI, request: Request) -> KhoError:
    """405 with `Allow` naming every method of every route on the path (RFC 9110 §15.5.6)."""
    allow = allow_header(app.state.route_methods.allowed(request.url.path))
    return KhoError("method_not_allowed", status=405, method=request.method, allow=allow,
                    headers={"Allow": allow})


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    from service.config import get_settings

    settings = get_settings()  # refuse to start with default secrets in production, before serving anything
    worker = None
    if app.state.with_worker:
        from service.worker import Worker

        worker = Worker(settings.worker_threads, own_signals=False)
        worker.start()
    try:
        yield
    finally:
        if worker:
            worker.stop()  # graceful: running jobs finish, queued ones stay queued


def create_app(*, with_worker: bool = False) -> FastAPI:
    from service.health import router as health_router
    from service.objects import router as objects_router
    from service.plugins import domain_modules

    app = FastAPI(title="Kho Truyền Thông API", version="0.1.0", lifespan=lifespan,
                  description="Kho dữ liệu truyền thông Nghị quyết 71-NQ/TW — communication asset repository.")
    app.state.with_worker = with_worker
    install_error_handlers(app)
    from service import openapi

    openapi.install(app)
    app.include_router(health_router)
    app.state.route_methods = RouteMethods(app.routes)
    app.add_middleware(HeadAsGet, routes=app.state.route_methods)  # innermost: only routes see the GET
    for module in domain_modules("middleware"):  # e.g. metrics, request ids, rate limits
        module.install(app)
    for module in domain_modules("routes"):
        app.include_router(module.router)
    app.include_router(objects_router)
    try:
        from web.routes import mount_web
    except ImportError:  # the web UI is optional for API-only deployments
        pass
    else:
        mount_web(app)

    from service.headers import DefaultHeaders

    app.add_middleware(DefaultHeaders, always={"X-Content-Type-Options": "nosniff",
                                               "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})

    return app

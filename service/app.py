"""The FastAPI application: routers, problem+json error handling, security headers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.assets.routes import router as assets_router
from service.audit.routes import router as audit_router
from service.auth.routes import router as auth_router
from service.bulk.routes import router as bulk_router
from service.core import runtime
from service.core.errors import PROBLEM_JSON, KhoError, ServiceUnavailable
from service.core.runtime import Runtime
from service.feeds.routes import router as feeds_router
from service.http import openapi
from service.http.headers import DefaultHeaders
from service.http.methods import HeadAsGet, RouteMethods, allow_header
from service.http.objects import router as objects_router
from service.indexing.routes import router as indexing_router
from service.inputs import middleware as inputs_middleware
from service.kits.routes import router as kits_router
from service.languages.routes import router as languages_router
from service.links.routes import router as links_router
from service.news.routes import router as news_router
from service.notifications.routes import router as notifications_router
from service.ops import middleware as ops_middleware
from service.ops.health import router as health_router
from service.ops.routes import router as ops_router
from service.orgs.routes import router as orgs_router
from service.plans.routes import router as plans_router
from service.qa.routes import router as qa_router
from service.renditions.jobs import router as jobs_router
from service.renditions.routes import router as renditions_router
from service.reports.routes import router as reports_router
from service.tus.routes import router as tus_router
from service.users.routes import router as users_router
from service.vocab.routes import router as vocab_router
from service.webhooks.routes import router as webhooks_router
from service.worker import wiring
from service.worker.process import Worker
from service.workflow.routes import router as workflow_router
from storage.base import StorageFull, StorageUnavailable
from web.routes import mount_web

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


# Every API router, in the order they are matched (the web pages are mounted after them by web.routes).
# The newsroom's comes right after health: its list is the busiest API path, and every router tried before
# the one that matches costs each request a little (no other router's path matches /api/v1/news/…).
ROUTERS: tuple[APIRouter, ...] = (
    health_router,
    news_router,
    assets_router,
    audit_router,
    auth_router,
    bulk_router,
    feeds_router,
    indexing_router,
    jobs_router,
    kits_router,
    languages_router,
    links_router,
    notifications_router,
    ops_router,
    orgs_router,
    plans_router,
    qa_router,
    renditions_router,
    reports_router,
    tus_router,
    users_router,
    vocab_router,
    webhooks_router,
    workflow_router,
    objects_router,
)
# Middleware, innermost first (each `install` wraps the app built so far).
MIDDLEWARE: tuple[Callable[[FastAPI], None], ...] = (inputs_middleware.install, ops_middleware.install)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    rt: Runtime = app.state.runtime
    if rt.closed:  # replaced since the app was made (a test installing its own): serve with the current one
        rt = app.state.runtime = runtime.current()
    worker = None
    if app.state.with_worker:
        worker = Worker(rt, own_signals=False)
        worker.start()
    try:
        yield
    finally:
        if worker:
            worker.stop()  # graceful: running jobs finish, queued ones stay queued
        if app.state.owns_runtime:  # built by create_app: closed with the app
            runtime.release(rt)
            app.state.runtime = None


def create_app(*, with_worker: bool = False) -> FastAPI:
    # The process's runtime: the one `kho` (or a test) installed, else one built here from the environment
    # (which refuses default secrets in production before anything is served), closed at shutdown.
    owns_runtime = not runtime.installed()
    rt = runtime.install(Runtime.build()) if owns_runtime else runtime.current()
    wiring.install()
    app = FastAPI(title="Kho Truyền Thông API", version="0.1.0", lifespan=lifespan,
                  description="Kho dữ liệu truyền thông Nghị quyết 71-NQ/TW — communication asset repository.")
    app.state.with_worker = with_worker
    app.state.runtime, app.state.owns_runtime = rt, owns_runtime
    install_error_handlers(app)
    openapi.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.state.route_methods = RouteMethods(app.routes)
    app.add_middleware(HeadAsGet, routes=app.state.route_methods)  # innermost: only routes see the GET
    for install in MIDDLEWARE:  # request limits, metrics, request ids, rate limits, input screening
        install(app)
    mount_web(app)  # the UI is part of the product: an import error in it fails the start, loudly
    app.add_middleware(DefaultHeaders, always={"X-Content-Type-Options": "nosniff",
                                               "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})

    return app

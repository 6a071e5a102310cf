"""Typed dependency aliases for routes: SessionDep, CurrentPrincipal, and role/scope guards."""

from __future__ import annotations

import asyncio
import secrets
import weakref
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from service.core.db import finish
from service.core.errors import Forbidden, ServiceUnavailable, Unauthorized
from service.core.runtime import Runtime, runtime_of
from service.identity import tokens
from service.identity.principal import Principal

T = TypeVar("T")
SESSION_COOKIE = "kho_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _runtime(conn: HTTPConnection) -> Runtime:
    """`runtime_of` as a dependency. A pure lookup, so `async`: FastAPI runs it on the event loop, where a
    plain `def` would cost a hop to a worker thread and back on every request. (The guards below are
    `async` for the same reason; whatever reads the database stays `def` and runs in the thread pool.)"""
    return runtime_of(conn)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@contextmanager
def _unit_of_work(rt: Runtime) -> Iterator[Session]:
    """A request's unit of work: committed when the block ends, rolled back on any error; a database outage
    is 503 `database_unavailable`."""
    session = rt.sessionmaker()
    try:
        try:
            yield session
        except BaseException:
            finish(session, False)
            raise
        finish(session, True)
    except OperationalError as exc:
        raise ServiceUnavailable("database_unavailable") from exc
    finally:
        session.close()


def get_session(rt: RuntimeDep) -> Iterator[Session]:
    """The request's unit of work: commit after the route returns, before the response is sent."""
    with _unit_of_work(rt) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def get_principal(request: Request, session: SessionDep) -> Principal:
    return authenticate(request, session)


def authenticate(request: Request, session: Session) -> Principal:
    """Who sent the request (bearer user token, API key or session cookie + CSRF token), or Unauthorized."""
    token = _bearer(request)
    if token:
        if token.startswith("kho_u_"):
            principal, _ = tokens.resolve_user_token(session, token, "bearer")
        else:
            principal = tokens.resolve_api_key(session, token)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
        principal, session_token = tokens.resolve_user_token(session, cookie, "session")
        # A browser sends the cookie on any cross-site request too: unsafe API calls made with it must also
        # carry the session's CSRF token (the web pages' scripts send it as X-CSRF-Token).
        if request.method not in SAFE_METHODS:
            sent = request.headers.get("x-csrf-token", "")
            expected = session_token.csrf_token
            if not expected or not secrets.compare_digest(sent, expected):
                raise Forbidden("forbidden")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Coroutine[None, None, Principal]]:
    async def guard(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden()
        return principal

    return guard


def require_scope(scope: str) -> Callable[[Principal], Coroutine[None, None, Principal]]:
    """API clients need the scope; signed-in users pass (their role decides elsewhere)."""

    async def guard(principal: CurrentPrincipal) -> Principal:
        return check_scope(principal, scope)

    return guard


def check_scope(principal: Principal, scope: str) -> Principal:
    if principal.kind == "client" and scope not in principal.scopes:
        raise Forbidden()
    return principal


def _unit(request: Request, scope: str, work: Callable[[Session, Principal], T]) -> T:
    with _unit_of_work(runtime_of(request)) as session:
        return work(session, check_scope(authenticate(request, session), scope))


# Short database-only units of work (`in_one_hop`) run in a few worker threads of their own, per event loop
# and database kind: with the shared pool's 40 threads, 8 concurrent newsroom pages kept 8 threads contending
# for the GIL with the event loop, and the server spent 4.1 ms of CPU on a page it serves in 2.2 ms one at a
# time (bench/RESULTS.md). SQLite works in-process (its reads are CPU, one writer at a time): one thread;
# a database server's round trips are worth overlapping: four.
_LIMITS = {"sqlite": 1}
_OTHER_LIMIT = 4


def _loop_limiters(rt: Runtime) -> weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]:
    """The runtime's limiters, one per event loop (a limiter belongs to the loop it was made on); the runtime
    holds them so that no process-wide table outlives it."""
    return weakref.WeakKeyDictionary()


def _limiter(rt: Runtime) -> CapacityLimiter:
    per_loop = rt.adapter(_loop_limiters)
    loop = asyncio.get_running_loop()
    found = per_loop.get(loop)
    if found is None:
        found = per_loop[loop] = CapacityLimiter(_LIMITS.get(rt.engine.dialect.name, _OTHER_LIMIT))
    return found


async def in_one_hop(request: Request, scope: str, work: Callable[[Session, Principal], T]) -> T:
    """`work(session, principal)` as one unit of work — the session of `get_session`, the principal of
    `require_scope(scope)`, committed before the response is sent — in a single worker-thread hop, on the
    few threads of `_limiter`. As dependencies they were four hops (session in, key, route, session out),
    each a hand-off through the thread pool that cost more than the key check itself on the hottest API path
    (the newsroom list). For short reads only: a unit that waits long holds up the others.
    Query parameters are validated before it runs (a request with invalid ones is 422 before it is 401)."""
    return await to_thread.run_sync(_unit, request, scope, work, limiter=_limiter(runtime_of(request)))


AdminPrincipal = Annotated[Principal, Depends(require_roles("admin"))]
ProducerPrincipal = Annotated[Principal, Depends(require_roles("admin", "producer"))]
ReviewerPrincipal = Annotated[Principal, Depends(require_roles("admin", "reviewer"))]
UserPrincipal = Annotated[Principal, Depends(require_roles("admin", "producer", "reviewer", "staff"))]
READ_SCOPE = "assets:read"
ReadPrincipal = Annotated[Principal, Depends(require_scope(READ_SCOPE))]
DownloadPrincipal = Annotated[Principal, Depends(require_scope("assets:download"))]

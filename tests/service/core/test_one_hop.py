"""`service.http.deps.in_one_hop`: the newsroom's unit of work in one worker-thread hop — authenticated and
scoped like the dependencies it replaces, committed only when the work succeeds, on a few threads of its own
per event loop (one for SQLite)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from service.core.errors import Forbidden, Unauthorized
from service.identity.principal import Principal
from tests.conftest import Factory, Stack
from tests.service.publication.helpers import api_key

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own: the test's thread may already run an event loop (Playwright's sync
    API keeps one in the main thread of a pytest process that ran the browser tests)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _request(client: TestClient, headers: dict[str, str]) -> Request:
    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/api/v1/news/items", "query_string": b"",
                             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
                             "app": client.app}
    return Request(scope)


def _outbox_rows() -> int:
    from service.core.db import unit_of_work
    from service.models import OutboxEvent

    with unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.topic == "test.one_hop")) or 0)


def test_one_hop_authenticates_scopes_and_commits_only_on_success(client: TestClient, factory: Factory) -> None:
    from service.http.deps import in_one_hop
    from service.outbox import events as outbox

    _, headers = api_key(factory)

    def write(session: Session, principal: Principal) -> str:
        outbox.emit(session, "test.one_hop", client=str(principal.id))
        return principal.kind

    def write_then_fail(session: Session, principal: Principal) -> None:
        write(session, principal)
        raise RuntimeError("boom")

    before = _outbox_rows()
    assert _run(in_one_hop(_request(client, headers), "assets:read", write)) == "client"
    assert _outbox_rows() == before + 1
    with pytest.raises(RuntimeError):
        _run(in_one_hop(_request(client, headers), "assets:read", write_then_fail))
    assert _outbox_rows() == before + 1  # rolled back
    with pytest.raises(Unauthorized):
        _run(in_one_hop(_request(client, {}), "assets:read", write))
    with pytest.raises(Forbidden):
        _run(in_one_hop(_request(client, headers), "assets:admin", write))
    assert _outbox_rows() == before + 1


def test_one_hop_threads_per_loop_and_database(stack: Stack) -> None:
    from service.core.runtime import current
    from service.http.deps import _limiter

    rt = current()

    async def limiters() -> tuple[Any, Any]:
        return _limiter(rt), _limiter(rt)

    first, again = _run(limiters())
    other, _ = _run(limiters())
    assert first is again and other is not first  # one per event loop, reused within it
    assert first.total_tokens == (4 if stack.is_postgres else 1)

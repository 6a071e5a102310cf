"""Counting the SQL statements a request sends, to prove a list reads in batches (issue 19 point 4).

The listener sits on the application's real engine (`before_cursor_execute`), so it sees every statement
of the request, whatever repository or request thread sends it; statements of the service's own background
threads (named `kho-*`: outbox pump, webhook and mail senders, sweeper) belong to no request and are left out.
Tests compare the count for N items with the
count for 3N items: a list that reads per item grows, a batched one stays flat."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

BACKGROUND_PREFIX = "kho-"  # service/outbox/pump.py, webhooks/notifications delivery, worker sweeper


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{n:3}: {s.split(chr(10))[0][:160]}" for n, s in enumerate(self.statements, 1))


@contextmanager
def count_queries(engine: Engine | None = None) -> Iterator[QueryLog]:
    if engine is None:
        from service.core.db import get_engine

        engine = get_engine()
    log = QueryLog()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not threading.current_thread().name.startswith(BACKGROUND_PREFIX):
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)


def queries_of(request: Callable[[], Any], ignore: str | None = None) -> QueryLog:
    """The statements of one call (a request through the TestClient); the response is checked by the caller
    through `request` itself (it should assert the status). `ignore`: leave out statements containing it."""
    with count_queries() as log:
        request()
    if ignore:
        log.statements = [s for s in log.statements if ignore not in s]
    return log


def assert_flat(request: Callable[[], Any], grow: Callable[[int], None], n: int = 2, ignore: str | None = None) -> int:
    """Makes n items, counts the statements of `request`, makes 2n more (3n in all) and counts again: the
    second count must not be larger. Returns the count. `request` must itself check that all the items it
    should show are shown (otherwise a flat count proves nothing). `ignore` leaves out statements that read
    something other than the list (e.g. the audit chain check walks the whole trail in batches of 1,000)."""
    grow(n)
    request()  # warm caches that are filled once per process (labels, profiles), not per item
    small = queries_of(request, ignore)
    grow(2 * n)
    large = queries_of(request, ignore)
    assert large.count <= small.count, (
        f"{small.count} statements for {n} items but {large.count} for {3 * n}:\n{large}")
    return large.count


def shows_all(client: TestClient, path: str, headers: dict[str, str], shown: list[str]) -> Callable[[], None]:
    """The request under count: it must answer 200 and show every row made so far (a list that stayed flat
    by leaving rows out proves nothing)."""
    def request() -> None:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text[:300]
        for text in shown:
            assert text in r.text, f"{text} missing from {path}"
    return request

"""HTTP method semantics for every route, in one place instead of per route:

- HEAD on any GET route answers exactly as GET would (status, headers, Content-Length) without a body;
  the GET handler runs, and a streamed body (kit ZIPs, originals) is abandoned after its first chunk
  instead of being read to the end. Routes with their own HEAD handler (tus) keep it.
- A 405 names every method the path accepts in `Allow` (Starlette lists only the first route matching
  the path, so `PUT /api/v1/kits/x` would claim only GET)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi.routing import iter_route_contexts
from starlette.requests import Request
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_FLAG = "kho.head"


def asked_for(request: Request) -> str:
    """The method the client sent: "HEAD" for a HEAD served by a GET route (a signed link handed out
    then must be valid for HEAD, and nothing was downloaded)."""
    return "HEAD" if request.scope.get(HEAD_FLAG) else request.method


class _HeadAnswered(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised from `send` once a HEAD response is complete: stops the GET body being produced."""


class RouteMethods:
    """path pattern → methods, read once from the app's routes (they do not change after start-up)."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self._routes = routes
        self._table: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def _load(self) -> list[tuple[re.Pattern[str], frozenset[str]]]:
        if self._table is None:
            table = []
            for context in iter_route_contexts(list(self._routes)):
                path, methods = context.path, context.methods
                if path and methods:
                    table.append((compile_path(path)[0], frozenset(methods)))
            self._table = table
        return self._table

    def allowed(self, path: str) -> set[str]:
        methods: set[str] = set()
        for pattern, route_methods in self._load():
            if pattern.match(path):
                methods |= route_methods
        if "GET" in methods:
            methods.add("HEAD")
        return methods

    def has_own_head(self, path: str) -> bool:
        return any(pattern.match(path) and "HEAD" in methods and "GET" not in methods
                   for pattern, methods in self._load())


def allow_header(methods: set[str]) -> str:
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return ", ".join(sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m)))


class HeadAsGet:
    def __init__(self, app: ASGIApp, routes: RouteMethods) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or self.routes.has_own_head(scope["path"]):
            await self.app(scope, receive, send)
            return
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if finished:
                raise _HeadAnswered
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body":
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                if message.get("more_body", False):
                    raise _HeadAnswered

        inner = {**scope, "method": "GET", HEAD_FLAG: True}
        try:
            await self.app(inner, receive, headers_only)
        except _HeadAnswered:
            pass
        except BaseExceptionGroup as group:  # raised inside a task group (streaming responses)
            rest = group.subgroup(lambda e: not isinstance(e, _HeadAnswered))
            if rest is not None:
                raise rest from None
        finally:  # what routing learnt (route, endpoint) is for the outer middleware's logs and metrics
            for key in inner.keys() - scope.keys():
                if key != HEAD_FLAG:
                    scope[key] = inner[key]

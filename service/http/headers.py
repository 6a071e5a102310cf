"""Default response headers as a pure ASGI middleware: unlike Starlette's BaseHTTPMiddleware it does not
proxy the request body through extra streams, so large uploads and downloads pass at full speed."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class DefaultHeaders:
    """Adds each header the response does not already set; `html_only` ones only to text/html pages."""

    def __init__(self, app: ASGIApp, *, always: Mapping[str, str] | None = None,
                 html_only: Callable[[], Mapping[str, str]] | None = None) -> None:
        self.app = app
        self.always = dict(always or {})
        self.html_only = html_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.always.items():
                    headers.setdefault(name, value)
                if self.html_only and headers.get("content-type", "").startswith("text/html"):
                    for name, value in self.html_only().items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

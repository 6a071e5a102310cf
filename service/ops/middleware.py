"""One ASGI middleware for the operational concerns of every request: request id, JSON access log,
latency histogram, upload byte counter, body size limit, rate limit and the extra security headers.

Pure ASGI (not BaseHTTPMiddleware) so streamed uploads and downloads pass through unbuffered.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core.config import Settings
from service.core.errors import PROBLEM_JSON, KhoError, TooManyRequests
from service.core.runtime import runtime_of
from service.ops import logs, metrics, ratelimit
from service.ops.guards import (
    EXEMPT,
    IdentityCache,
    RequestTooLarge,
    body_limit,
    bucket_for,
    credential_of,
    declared_length,
    is_upload,
)
from service.ops.ratelimit import RateLimiter

log = logging.getLogger("kho.ops")
MiB = 1024 * 1024
SECURITY_HEADERS = (
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("cross-origin-opener-policy", "same-origin"),
    ("x-permitted-cross-domain-policies", "none"),
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def install(app: FastAPI) -> None:
    logs.configure(app.state.runtime.settings.log_format == "json")
    app.add_middleware(OpsMiddleware)


class OpsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.identities = IdentityCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        rt = runtime_of(HTTPConnection(scope))  # the app's runtime (scope["app"] is set by then)
        ops = rt.settings
        request_id = logs.new_request_id(headers.get("x-request-id"))
        token = logs.REQUEST_ID.set(request_id)
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "received": 0}
        try:
            refusal = await self._refusal(scope, headers, ratelimit.limiter(rt), ops)
            if refusal is not None:
                state["status"] = refusal.status
                await _problem(refusal, scope, receive, self._send(scope, send, state, request_id, ops))
                return
            buffered = await self._buffer_small_chunked(scope, headers, receive, ops)
            if buffered is None:
                too_large = RequestTooLarge(limit_mb=ops.limits.max_body_bytes // MiB)
                state["status"] = too_large.status
                await _problem(too_large, scope, _no_body, self._send(scope, send, state, request_id, ops))
                return
            metrics.IN_FLIGHT.inc()
            try:
                await self.app(scope, self._receive(scope, buffered, state, ops),
                               self._send(scope, send, state, request_id, ops))
            finally:
                metrics.IN_FLIGHT.dec()
        finally:
            principal = self._record(scope, headers, state, time.perf_counter() - started)
            logs.REQUEST_ID.reset(token)
            if principal is not None:  # after the log line: a cancelled request still leaves its record
                await self._learn(headers, principal, ratelimit.limiter(rt), ops)

    async def _refusal(self, scope: Scope, headers: Headers, limiter: RateLimiter, ops: Settings) -> KhoError | None:
        path: str = scope["path"]
        limit = body_limit(path, ops, ops.limits.max_upload_bytes)
        length = declared_length(headers)
        if length is not None and length > limit:
            return RequestTooLarge(limit_mb=limit // MiB)
        if not ops.rate_limit.enabled or path in EXEMPT:
            return None
        client = scope.get("client") or ("-", 0)
        key, per_minute, label = bucket_for(headers, str(client[0]), self.identities, ops)
        try:
            decision = await limiter.acquire_async("ops:" + key, per_minute)
        except Exception:  # noqa: BLE001 - a limiter outage (Redis) must not take the API down
            log.warning("rate limiter unavailable; request let through", exc_info=True)
            return None
        # The one rate limit of the request; routes that report it (the newsroom's RateLimit-* headers) read it here.
        scope.setdefault("state", {})["rate_limit"] = (per_minute, decision)
        if decision.allowed:
            return None
        metrics.RATE_LIMITED.labels(label).inc()
        return TooManyRequests(seconds=decision.retry_after, headers={"Retry-After": str(decision.retry_after)},
                               extra={"retry_after": decision.retry_after})

    async def _buffer_small_chunked(self, scope: Scope, headers: Headers, receive: Receive,
                                    ops: Settings) -> Receive | None:
        """A body without Content-Length on an ordinary path is read up front (it is small by definition),
        so passing the limit is a clean 413 rather than a parse error inside the framework; None if too large.
        Upload paths keep streaming and are stopped by the counting reader instead."""
        if declared_length(headers) is not None or is_upload(scope["path"]) or scope["method"] in ("GET", "HEAD"):
            return receive
        limit = ops.limits.max_body_bytes
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive)
            body += message.get("body", b"")
            if len(body) > limit:
                return None
            if not message.get("more_body", False):
                return _replay([{"type": "http.request", "body": bytes(body), "more_body": False}], receive)

    def _receive(self, scope: Scope, receive: Receive, state: dict[str, Any], ops: Settings) -> Receive:
        path: str = scope["path"]
        upload = is_upload(path)
        label = path.split("/")[3] if upload else ""
        limit = body_limit(path, ops, ops.limits.max_upload_bytes)

        async def wrapped() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                state["received"] += size
                if upload and size:
                    metrics.UPLOAD_BYTES.labels(label).inc(size)
                if state["received"] > limit:
                    raise RequestTooLarge(limit_mb=limit // MiB)
            return message

        return wrapped

    def _send(self, scope: Scope, send: Send, state: dict[str, Any], request_id: str, ops: Settings) -> Send:
        https = scope.get("scheme") == "https" or ops.base_url.startswith("https://")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = request_id
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                if not headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("content-security-policy", API_CSP)  # pages set their own CSP
                if https:
                    headers.setdefault("strict-transport-security", "max-age=31536000; includeSubDomains")
            await send(message)

        return wrapped

    def _record(self, scope: Scope, headers: Headers, state: dict[str, Any], seconds: float) -> Any:
        """Metrics and the access log line; returns the request's principal, if it had one."""
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        status = int(state["status"])
        metrics.REQUEST_SECONDS.labels(scope["method"], template, str(status)).observe(seconds)
        who = scope["state"].get("principal") if isinstance(scope.get("state"), dict) else None
        principal = getattr(who, "id", None)
        logs.ACCESS.info("%s %s -> %d in %.1f ms", scope["method"], scope["path"], status, seconds * 1000, extra={
            "method": scope["method"], "path": scope["path"], "route": template, "status": status,
            "duration_ms": round(seconds * 1000, 2), "bytes_in": state["received"],
            "principal": str(principal) if principal else None,
            "client": (scope.get("client") or ("-",))[0]})
        return who if principal is not None else None

    async def _learn(self, headers: Headers, principal: Any, limiter: RateLimiter, ops: Settings) -> None:
        found = credential_of(headers)
        if found is None or self.identities.get(found[0]) is not None:
            return
        limit = principal.rate_limit_per_minute if principal.kind == "client" else None
        identity = f"{principal.kind}:{principal.id}"
        self.identities.put(found[0], identity, limit)
        # The credential's first request was charged to its own bucket; charge the principal's too, so a
        # user cannot gain a request per fresh token.
        ceiling = ops.rate_limit.user_per_minute if principal.kind == "user" else ops.rate_limit.key_per_minute
        try:
            await limiter.acquire_async("ops:" + identity, min(ceiling, limit) if limit else ceiling)
        except Exception:  # noqa: BLE001 - see _refusal
            log.warning("rate limiter unavailable", exc_info=True)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


async def _problem(exc: KhoError, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(exc.to_problem(instance=scope["path"]), status_code=exc.status,
                            media_type=PROBLEM_JSON, headers=exc.headers)
    await response(scope, receive, send)

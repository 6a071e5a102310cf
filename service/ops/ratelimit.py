"""Request rate limits on the maintained `limits` library: a moving one-minute window per key, kept in
process memory in the embedded mode and in Redis (KHO_QUEUE=redis), where every API process shares the one
window of a key. While Redis is unreachable a per-process window stands in (`FallbackRateLimiter`), and
/readyz says so.

A moving window rather than `limits`' cheaper sliding-window counter: the counter weighs the previous clock
minute, so a client could pass its limit by a fraction around each minute boundary; the moving window
counts exactly the requests of the last 60 seconds (one Redis list per active key, at most `limit` long).
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from limits.util import WindowStats

from service.core.runtime import Runtime

log = logging.getLogger("kho.ratelimit")
REDIS_TIMEOUT = 1.0  # seconds: a hung Redis must not hold every request; the fallback answers instead
NAMESPACE = "kho"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until the window lets one more request through (0 when allowed)


class RateLimiter(Protocol):
    def acquire(self, key: str, per_minute: int) -> Decision: ...

    async def acquire_async(self, key: str, per_minute: int) -> Decision: ...


def _item(per_minute: int) -> RateLimitItem:
    return RateLimitItemPerMinute(per_minute, namespace=NAMESPACE)


def _decision(allowed: bool, stats: WindowStats) -> Decision:
    if allowed:
        return Decision(True, max(0, stats.remaining), 0)
    return Decision(False, 0, max(1, math.ceil(stats.reset_time - time.time())))


class MemoryRateLimiter:
    """One process's moving windows (the embedded mode, and the stand-in while Redis is away): the instants of
    each key's requests of the last minute, oldest first, under one lock. The same window as `limits`'
    moving window, kept here because its MemoryStorage starts a timer thread 10 ms after traffic to expire
    keys — under load a thread started for about every request (~7% of the server's samples on the
    newsroom list, issue 19); here a key's old instants go when the key is next counted, and idle keys in a
    sweep at most once a minute."""

    WINDOW = 60.0

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        # The wall clock, read at each call (as `limits` did: tests move it with monkeypatch).
        self._clock = clock or (lambda: time.time())
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = self._clock() + self.WINDOW

    def acquire(self, key: str, per_minute: int) -> Decision:
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.WINDOW:
                hits.popleft()
            if len(hits) >= per_minute:
                return Decision(False, 0, max(1, math.ceil(hits[-per_minute] + self.WINDOW - now)))
            hits.append(now)
            return Decision(True, per_minute - len(hits), 0)

    async def acquire_async(self, key: str, per_minute: int) -> Decision:
        return self.acquire(key, per_minute)  # a dict lookup under a lock: no reason to leave the loop

    def _sweep(self, now: float) -> None:
        """Forget keys with no request in the last minute (the lock is held)."""
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.WINDOW]:
            del self._hits[key]
        self._next_sweep = now + self.WINDOW


class RedisRateLimiter:
    """Windows shared by every API process through Redis (`limits`' atomic Lua scripts)."""

    def __init__(self, url: str, prefix: str = "kho:rl:") -> None:
        self._url = url
        self._prefix = prefix
        self._windows = MovingWindowRateLimiter(RedisStorage(
            url, key_prefix=prefix, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT))
        # The asyncio client's connections belong to the event loop that opened them: one storage per loop.
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def acquire(self, key: str, per_minute: int) -> Decision:
        item = _item(per_minute)
        allowed = self._windows.hit(item, key)
        return _decision(allowed, self._windows.get_window_stats(item, key))

    async def acquire_async(self, key: str, per_minute: int) -> Decision:
        """For the ASGI middleware: waiting on Redis must not hold up the event loop's other requests."""
        # limits.aio (and redis.asyncio under it) loads only where a Redis limiter serves the event loop
        from limits.aio.storage import RedisStorage as AsyncRedisStorage
        from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindow

        loop = asyncio.get_running_loop()
        windows = self._async.get(loop)
        if windows is None:
            storage = AsyncRedisStorage("async+" + self._url, implementation="redispy", key_prefix=self._prefix,
                                        socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
            windows = self._async[loop] = AsyncMovingWindow(storage)
        item = _item(per_minute)
        allowed = await windows.hit(item, key)
        return _decision(allowed, await windows.get_window_stats(item, key))


class FallbackRateLimiter:
    """The shared (Redis) limiter, and while Redis is unreachable a per-process one: still a limit, only no
    longer shared between API processes. Redis is tried again every `recheck` seconds; `status()` tells
    /readyz which of the two is in force."""

    def __init__(self, shared: RateLimiter, *, recheck: float = 5.0, clock: Any = time.monotonic) -> None:
        self.shared = shared
        self.local = MemoryRateLimiter()
        self._recheck = recheck
        self._clock = clock
        self._down_until = 0.0
        self._degraded_since: float | None = None

    def acquire(self, key: str, per_minute: int) -> Decision:
        if self._clock() < self._down_until:
            return self.local.acquire(key, per_minute)
        try:
            decision = self.shared.acquire(key, per_minute)
        except Exception as exc:  # noqa: BLE001 - any Redis failure: limit locally
            return self._fall_back(exc, key, per_minute)
        self._recovered()
        return decision

    async def acquire_async(self, key: str, per_minute: int) -> Decision:
        if self._clock() < self._down_until:
            return self.local.acquire(key, per_minute)
        try:
            decision = await self.shared.acquire_async(key, per_minute)
        except Exception as exc:  # noqa: BLE001 - any Redis failure: limit locally
            return self._fall_back(exc, key, per_minute)
        self._recovered()
        return decision

    def _fall_back(self, exc: Exception, key: str, per_minute: int) -> Decision:
        now = self._clock()
        if self._degraded_since is None:
            self._degraded_since = now
            log.warning("rate limiter: Redis unavailable (%s: %s); limiting per process", type(exc).__name__, exc)
        self._down_until = now + self._recheck
        return self.local.acquire(key, per_minute)

    def _recovered(self) -> None:
        if self._degraded_since is not None:
            self._degraded_since = None
            log.warning("rate limiter: Redis is back; limits are shared again")

    def status(self) -> str:
        if self._degraded_since is None:
            return "ok"
        return "degraded: per-process limit (Redis unavailable)"


def limiter_status(rt: Runtime) -> str:
    """"ok", or what the rate limiter is falling back to (for /readyz)."""
    if not rt.built(_build_limiter):
        return "ok"
    limiter = rt.adapter(_build_limiter)
    return limiter.status() if isinstance(limiter, FallbackRateLimiter) else "ok"


def limiter(rt: Runtime) -> RateLimiter:
    """The runtime's rate limiter (built on first use)."""
    return rt.adapter(_build_limiter)


def _build_limiter(rt: Runtime) -> RateLimiter:
    s = rt.settings
    if s.queue.backend == "redis":
        return FallbackRateLimiter(RedisRateLimiter(s.queue.redis_url))
    return MemoryRateLimiter()

"""Per-key token buckets: capacity = the key's per-minute limit, refilled continuously. In-process for
the embedded mode; on Redis (KHO_QUEUE=redis) one atomic Lua script, so every API process shares the
same bucket per key."""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Protocol

from service.config import get_settings
from service.once import once

log = logging.getLogger("kho.ratelimit")
REDIS_TIMEOUT = 1.0  # seconds: a hung Redis must not hold every request; the fallback answers instead


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until one token is available (0 when allowed)


class RateLimiter(Protocol):
    def acquire(self, key: str, per_minute: int) -> Decision: ...

    async def acquire_async(self, key: str, per_minute: int) -> Decision: ...


def _decide(tokens: float, per_minute: int) -> tuple[float, Decision]:
    if tokens >= 1:
        return tokens - 1, Decision(True, int(tokens - 1), 0)
    wait = (1 - tokens) * 60.0 / per_minute
    return tokens, Decision(False, 0, max(1, math.ceil(wait)))


class MemoryRateLimiter:
    def __init__(self, clock: Any = time.monotonic) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def acquire(self, key: str, per_minute: int) -> Decision:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * per_minute / 60.0)
            tokens, decision = _decide(tokens, per_minute)
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # forget idle keys (a full bucket is the default anyway)
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
        return decision

    async def acquire_async(self, key: str, per_minute: int) -> Decision:
        return self.acquire(key, per_minute)  # a dict lookup under a lock: no reason to leave the loop


# Redis's own clock (TIME inside the script, allowed since scripts replicate their effects): every API
# process agrees on "now", and a decision is one round trip.
_LUA = """
local cap = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * cap / 60.0)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 120)
return {ok, tostring(tokens)}
"""


def _decision(answer: Any, per_minute: int) -> Decision:
    ok, tokens_text = answer
    tokens = float(tokens_text)
    if int(ok):
        return Decision(True, int(tokens), 0)
    return Decision(False, 0, max(1, math.ceil((1 - tokens) * 60.0 / per_minute)))


class RedisRateLimiter:
    def __init__(self, url: str, prefix: str = "kho:rl:") -> None:
        import redis

        self._url = url
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        self._script = self._redis.register_script(_LUA)
        self._prefix = prefix
        # The asyncio client's connections belong to the event loop that opened them: one client per loop.
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def acquire(self, key: str, per_minute: int) -> Decision:
        return _decision(self._script(keys=[self._prefix + key], args=[per_minute]), per_minute)

    async def acquire_async(self, key: str, per_minute: int) -> Decision:
        """For the ASGI middleware: waiting on Redis must not hold up the event loop's other requests."""
        import redis.asyncio

        loop = asyncio.get_running_loop()
        script = self._async.get(loop)
        if script is None:
            client = redis.asyncio.Redis.from_url(self._url, socket_connect_timeout=REDIS_TIMEOUT,
                                                  socket_timeout=REDIS_TIMEOUT)
            script = self._async[loop] = client.register_script(_LUA)
        return _decision(await script(keys=[self._prefix + key], args=[per_minute]), per_minute)


class FallbackRateLimiter:
    """The shared (Redis) limiter, and while Redis is unreachable a per-process one: still a limit, only no
    longer shared between API processes. Redis is tried again every `recheck` seconds; `status()` tells
    /readyz which of the two is in force."""

    def __init__(self, shared: RateLimiter, *, recheck: float = 5.0, clock: Any = time.monotonic) -> None:
        self.shared = shared
        self.local = MemoryRateLimiter(clock)
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


def limiter_status() -> str:
    """"ok", or what the rate limiter is falling back to (for /readyz)."""
    if not get_limiter.built:
        return "ok"
    limiter = get_limiter()
    return limiter.status() if isinstance(limiter, FallbackRateLimiter) else "ok"


@once
def get_limiter() -> RateLimiter:
    s = get_settings()
    if s.queue == "redis":
        return FallbackRateLimiter(RedisRateLimiter(s.redis_url))
    return MemoryRateLimiter()

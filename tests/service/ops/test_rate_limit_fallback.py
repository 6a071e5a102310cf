"""While Redis is down the rate limiter limits per process (it does not let everything through), says so for
/readyz, tries Redis again after a pause and goes back to the shared limit once Redis answers."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from service.ops.ratelimit import Decision, FallbackRateLimiter, MemoryRateLimiter, RedisRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Switchable:
    """A shared limiter that can be taken down: the in-memory one behind a switch."""

    def __init__(self) -> None:
        self.up = True
        self.calls = 0
        self.inner = MemoryRateLimiter()

    def acquire(self, key: str, per_minute: int) -> Decision:
        self.calls += 1
        if not self.up:
            raise ConnectionError("Connection refused")
        return self.inner.acquire(key, per_minute)

    async def acquire_async(self, key: str, per_minute: int) -> Decision:
        return self.acquire(key, per_minute)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_redis_falls_back_to_a_per_process_limit() -> None:
    limiter = FallbackRateLimiter(RedisRateLimiter(f"redis://127.0.0.1:{_closed_port()}/0"))
    decisions = [limiter.acquire("user:1", 3) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert decisions[-1].retry_after >= 1
    assert limiter.status().startswith("degraded")
    # The middleware's path agrees (on a loop of its own: another test may leave one running on this thread).
    with ThreadPoolExecutor(1) as pool:
        denied = pool.submit(asyncio.run, limiter.acquire_async("user:1", 3)).result()
    assert not denied.allowed


def test_redis_is_rechecked_after_the_pause_and_the_shared_limit_returns() -> None:
    clock = Clock()
    shared = Switchable()
    limiter = FallbackRateLimiter(shared, recheck=5.0, clock=clock)
    assert limiter.acquire("k", 10).allowed and limiter.status() == "ok"
    shared.up = False
    assert limiter.acquire("k", 10).allowed
    assert limiter.status().startswith("degraded")
    calls = shared.calls
    for _ in range(20):
        limiter.acquire("other", 1000)
    assert shared.calls == calls  # not hammering a dead Redis on every request
    shared.up = True
    clock.now += 6
    assert limiter.acquire("k", 10).allowed
    assert shared.calls == calls + 1 and limiter.status() == "ok"

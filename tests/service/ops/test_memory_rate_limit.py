"""The per-process moving window (`MemoryRateLimiter`): exactly `per_minute` requests in any 60 seconds,
Retry-After until the next one is let through, idle keys forgotten, and no thread started per request."""

from __future__ import annotations

import threading

from service.ops.ratelimit import Decision, MemoryRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_moving_window_counts_the_last_minute_exactly() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    assert [limiter.acquire("k", 3).remaining for _ in range(2)] == [2, 1]
    clock.now += 30
    assert limiter.acquire("k", 3) == Decision(True, 0, 0)
    assert limiter.acquire("k", 3) == Decision(False, 0, 30)  # the first hit leaves the window in 30 s
    assert limiter.acquire("other", 3).allowed  # keys are counted apart
    clock.now += 29.5
    assert limiter.acquire("k", 3) == Decision(False, 0, 1)  # refusals are not counted
    clock.now += 0.5
    assert limiter.acquire("k", 3) == Decision(True, 1, 0)  # the first two left; the one 30 s old remains
    assert limiter.acquire("k", 3) == Decision(True, 0, 0)
    assert limiter.acquire("k", 3) == Decision(False, 0, 30)


def test_idle_keys_are_forgotten_and_no_thread_is_started() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    threads = threading.active_count()
    for n in range(100):
        limiter.acquire(f"key-{n}", 10)
    assert threading.active_count() == threads
    clock.now += 61
    limiter.acquire("fresh", 10)
    assert set(limiter._hits) == {"fresh"}

"""The one retry schedule (exponential, capped, jittered) and the wait-until-ready loop, on a fake clock."""

from __future__ import annotations

import random

import pytest

from service.backoff import Backoff, wait_until_ready


def test_ceiling_doubles_from_the_base_and_stops_at_the_cap() -> None:
    schedule = Backoff(base=5, cap=60, jitter=0.5)
    assert [schedule.ceiling(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    assert schedule.ceiling(0) == 5  # a zero or negative count is treated as the first try
    assert schedule.ceiling(10_000) == 60  # no overflow on absurd counts


def test_jitter_stays_between_the_floor_and_the_ceiling_and_varies() -> None:
    schedule = Backoff(base=4, cap=100, jitter=0.5)
    rng = random.Random(7)
    delays = [schedule.delay(3, rng) for _ in range(200)]
    assert all(8.0 <= d <= 16.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 100  # many workers do not come back in step
    assert Backoff(base=4, cap=100, jitter=0).delay(3, rng) == 16.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_wait_until_ready_retries_transient_failures_then_returns() -> None:
    clock = FakeClock()
    calls = iter([ConnectionError("refused"), ConnectionError("refused"), "up"])

    def probe() -> str:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    result = wait_until_ready(probe, is_transient=lambda e: isinstance(e, ConnectionError),
                              schedule=Backoff(base=1, cap=8, jitter=0), window=60, what="db",
                              sleep=clock.sleep, clock=lambda: clock.now)
    assert result == "up"
    assert clock.slept == [1.0, 2.0]


def test_wait_until_ready_gives_up_after_the_window_and_raises_the_last_error() -> None:
    clock = FakeClock()

    def probe() -> None:
        raise ConnectionError(f"down at {clock.now}")

    with pytest.raises(ConnectionError, match="down at 19"):
        wait_until_ready(probe, is_transient=lambda e: True, schedule=Backoff(base=1, cap=4, jitter=0),
                         window=20, what="db", sleep=clock.sleep, clock=lambda: clock.now)
    assert clock.slept == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]  # at 19 s the next wait (4 s) would pass 20 s


def test_wait_until_ready_raises_other_errors_at_once() -> None:
    clock = FakeClock()

    def probe() -> None:
        raise ValueError("bad configuration")

    with pytest.raises(ValueError):
        wait_until_ready(probe, is_transient=lambda e: isinstance(e, ConnectionError),
                         schedule=Backoff(), window=60, what="db", sleep=clock.sleep, clock=lambda: clock.now)
    assert clock.slept == []

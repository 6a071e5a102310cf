"""The one retry policy (exponential, capped, jittered, bounded by tries or a window) and the wait-until-ready
loop, on a fake clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from service.core.backoff import Backoff, wait_until_ready


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


def test_factor_sets_the_growth() -> None:
    assert [Backoff(base=5, factor=4, cap=36_000).ceiling(n) for n in range(1, 5)] == [5, 20, 80, 320]


def test_max_tries_ends_the_retries() -> None:
    policy = Backoff(base=30, cap=3600, jitter=0, max_tries=3)
    assert [policy.next_delay(n) for n in range(1, 5)] == [30.0, 60.0, None, None]


def test_the_window_ends_the_retries_and_jitter_never_passes_it() -> None:
    policy = Backoff(base=10, cap=100, jitter=0, window=60)
    assert policy.next_delay(1, elapsed=49) == 10.0  # the next try starts at 59 s
    assert policy.next_delay(1, elapsed=51) is None  # it would start at 61 s
    jittered = Backoff(base=10, cap=100, jitter=0.5, window=60)
    rng = random.Random(5)
    for elapsed in range(0, 70):
        pause = jittered.next_delay(2, elapsed=elapsed, rng=rng)
        assert pause is None or (10 <= pause <= 20 and elapsed + pause <= 60)


def test_next_try_is_a_moment_or_none() -> None:
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    policy = Backoff(base=5, cap=300, jitter=0, max_tries=8, window=3600)
    assert policy.next_try(1, now) == now + timedelta(seconds=5)
    assert policy.next_try(2, now, since=now - timedelta(seconds=3595)) is None  # past the hour
    assert policy.next_try(8, now) is None  # the eighth failure was the last try


def test_every_retrying_part_uses_this_policy() -> None:
    from service.core.runtime import get_settings
    from service.jobs.runner import retry_policy
    from service.notifications.delivery import MAIL_RETRY
    from service.ops.startup import STARTUP_SCHEDULE
    from service.outbox.pump import OUTBOX_RETRY
    from service.webhooks.service import WEBHOOK_RETRY

    policies = [retry_policy(get_settings()), MAIL_RETRY, OUTBOX_RETRY, STARTUP_SCHEDULE, WEBHOOK_RETRY]
    assert all(isinstance(p, Backoff) for p in policies)
    assert WEBHOOK_RETRY.max_tries == 8 and MAIL_RETRY.max_tries == 12 and OUTBOX_RETRY.max_tries is None
    assert retry_policy(get_settings()).window is not None  # outages are waited out for a time, not a count


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

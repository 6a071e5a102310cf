"""The one retry policy: exponential, capped, with jitter, bounded by a number of tries or a time window;
and a loop that waits with it.

Jobs that meet an outage, the start-up wait for the database, the outbox, webhook deliveries and e-mail
delivery all retry on this policy (each with its own numbers, named where it is used), so "how long until
the next try, and when do we give up" has one answer. Jitter keeps many workers that failed together (one
S3 outage fails every running job at once, one relay outage every queued e-mail) from all coming back at
the same instant.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("kho.backoff")


@dataclass(frozen=True)
class Backoff:
    base: float = 5.0  # seconds before the second try
    cap: float = 300.0  # no wait is longer than this
    jitter: float = 0.5  # the fraction of each wait that is random: wait ∈ [(1 - jitter)·d, d]
    factor: float = 2.0  # each wait is this many times the one before (until the cap)
    max_tries: int | None = None  # give up after this many failed tries (None: the count does not end it)
    window: float | None = None  # seconds after the first failure past which no try starts (None: no window)

    def ceiling(self, attempt: int) -> float:
        """The wait after failed try number `attempt` (1-based) before jitter: base·factor^(attempt-1), capped."""
        exponent = max(0, attempt - 1)
        if exponent >= 64:  # 2**64 · base is beyond any cap; avoids a float overflow on absurd counts
            return self.cap
        return float(min(self.cap, self.base * self.factor ** exponent))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = self.ceiling(attempt)
        return ceiling * (1 - self.jitter * (rng or random).random())

    def next_delay(self, attempt: int, elapsed: float = 0.0, rng: random.Random | None = None) -> float | None:
        """Seconds to wait after failed try number `attempt`, or None to give up: the tries are spent, or the
        next try would begin past the window (`elapsed`: seconds since the first failure)."""
        if self.max_tries is not None and attempt >= self.max_tries:
            return None
        pause = self.delay(attempt, rng)
        if self.window is not None and elapsed + pause > self.window:
            return None
        return pause

    def next_try(self, attempt: int, now: datetime, since: datetime | None = None,
                 rng: random.Random | None = None) -> datetime | None:
        """When to try again after failed try number `attempt` (the first failure was at `since`), or None."""
        pause = self.next_delay(attempt, (now - since).total_seconds() if since else 0.0, rng)
        return None if pause is None else now + timedelta(seconds=pause)


def wait_until_ready(probe: Callable[[], T], *, is_transient: Callable[[BaseException], bool], schedule: Backoff,
                     window: float, what: str, sleep: Callable[[float], None] = time.sleep,
                     clock: Callable[[], float] = time.monotonic) -> T:
    """Call `probe` until it returns; a transient failure is logged and waited out on `schedule` for at most
    `window` seconds (then the last error is raised); any other failure is raised at once."""
    deadline = clock() + window
    attempt = 0
    while True:
        attempt += 1
        try:
            return probe()
        except Exception as exc:
            if not is_transient(exc):
                raise
            pause = schedule.delay(attempt)
            if clock() + pause > deadline:
                raise
            log.warning("%s unavailable (try %d: %s: %s); waiting %.1f s", what, attempt, type(exc).__name__,
                        str(exc).splitlines()[0][:200] if str(exc) else "", pause)
            sleep(pause)

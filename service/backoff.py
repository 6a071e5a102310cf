"""The one retry schedule: exponential, capped, with jitter; and a loop that waits with it.

Jobs that meet an outage, the start-up wait for the database and the outbox all retry on this schedule, so
"how long until the next try" has one answer. Jitter keeps many workers that failed together (one S3
outage fails every running job at once) from all coming back at the same instant.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("kho.backoff")


@dataclass(frozen=True)
class Backoff:
    base: float = 5.0  # seconds before the second try
    cap: float = 300.0  # no wait is longer than this
    jitter: float = 0.5  # the fraction of each wait that is random: wait ∈ [(1 - jitter)·d, d]

    def ceiling(self, attempt: int) -> float:
        """The wait after failed try number `attempt` (1-based) before jitter: base·2^(attempt-1), capped."""
        exponent = max(0, attempt - 1)
        if exponent >= 64:  # 2**64 · base is beyond any cap; avoids a float overflow on absurd counts
            return self.cap
        return float(min(self.cap, self.base * 2 ** exponent))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = self.ceiling(attempt)
        return ceiling * (1 - self.jitter * (rng or random).random())


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

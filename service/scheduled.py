"""Time-driven work run by the sweeper (embargo release, expiry, …).

Each domain registers its own in `service/<domain>/scheduled.py`.
"""

from __future__ import annotations

from collections.abc import Callable

SCHEDULED: list[Callable[[], None]] = []


def scheduled(fn: Callable[[], None]) -> Callable[[], None]:
    SCHEDULED.append(fn)
    return fn


def run_scheduled() -> None:
    from service.plugins import domain_modules

    domain_modules("scheduled")  # importing registers them
    for fn in SCHEDULED:
        fn()

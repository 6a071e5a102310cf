"""Time-driven work run by the sweeper: embargo release and expiry (filled in by the workflow)."""

from __future__ import annotations

from collections.abc import Callable

SCHEDULED: list[Callable[[], None]] = []


def run_scheduled() -> None:
    for fn in SCHEDULED:
        fn()

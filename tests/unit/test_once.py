"""@once builds a singleton exactly once, however many threads ask for it first."""

from __future__ import annotations

import threading
import time

from service.once import once


def test_a_burst_of_first_callers_builds_once() -> None:
    builds: list[int] = []
    start = threading.Barrier(16)

    @once
    def slow() -> object:
        builds.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive meanwhile
        return object()

    seen: list[object] = []

    def ask() -> None:
        start.wait()
        seen.append(slow())

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert len(seen) == 16 and all(value is seen[0] for value in seen)
    assert slow.built


def test_cache_clear_rebuilds_and_a_failed_build_is_retried() -> None:
    attempts: list[int] = []

    @once
    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first build fails")
        return len(attempts)

    try:
        flaky()
    except RuntimeError:
        pass
    assert not flaky.built
    assert flaky() == 2 and flaky() == 2
    flaky.cache_clear()
    assert not flaky.built and flaky() == 3
    assert flaky.__name__ == "flaky"

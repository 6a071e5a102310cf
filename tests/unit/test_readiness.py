"""/readyz probes: one deadline for all of them, and no shared probe file (parallel checks never collide)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.health import run_checks


def test_a_hung_check_is_reported_as_timed_out_by_the_deadline() -> None:
    release = threading.Event()

    def hung() -> None:
        release.wait(30)

    def broken() -> None:
        raise ConnectionRefusedError("refused")

    started = time.monotonic()
    try:
        result = run_checks({"a": lambda: None, "hung": hung, "broken": broken, "hung2": hung}, deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 1.5  # one deadline for all, not one per check
    assert result == {"a": "ok", "hung": "error: timeout", "broken": "error: ConnectionRefusedError",
                      "hung2": "error: timeout"}


@pytest.fixture
def search_dir(tmp_path: Path) -> Iterator[Path]:
    from service import runtime

    saved = os.environ.get("KHO_SEARCH_PATH")
    os.environ["KHO_SEARCH_PATH"] = str(tmp_path / "search")
    runtime.install(runtime.Runtime.build())
    try:
        yield tmp_path / "search"
    finally:
        if saved is None:
            os.environ.pop("KHO_SEARCH_PATH", None)
        else:
            os.environ["KHO_SEARCH_PATH"] = saved
        runtime.install(runtime.Runtime.build())


def test_parallel_search_probes_never_collide_and_leave_nothing(search_dir: Path) -> None:
    from service.health import _search

    def probe(_: int) -> str:
        try:
            _search()
            return "ok"
        except Exception as exc:  # noqa: BLE001 - counted below
            return type(exc).__name__

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(probe, range(400)))
    assert outcomes == ["ok"] * 400
    assert list(search_dir.iterdir()) == []

"""/readyz probes: one deadline for all of them, and no shared probe file (parallel checks never collide)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.ops.health import run_checks


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
def search_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An embedded index of its own, whatever stack the process was on before (a PostgreSQL stack's
    KHO_SEARCH=postgres would send the probe elsewhere and leave no folder to look at)."""
    from service.core import runtime

    for key in [k for k in os.environ if k.startswith("KHO_") and not k.startswith("KHO_TEST_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("KHO_ENV", "test")
    monkeypatch.setenv("KHO_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("KHO_SEARCH", "embedded")
    monkeypatch.setenv("KHO_SEARCH_PATH", str(tmp_path / "search"))
    runtime.install(runtime.Runtime.build())
    try:
        yield tmp_path / "search"
    finally:
        runtime.close()  # the next test's stack installs its own from its environment


def test_parallel_search_probes_never_collide_and_leave_nothing(search_dir: Path) -> None:
    from service.core import runtime
    from service.ops.health import _search

    def probe(_: int) -> str:
        try:
            _search(runtime.current())
            return "ok"
        except Exception as exc:  # noqa: BLE001 - counted below
            return type(exc).__name__

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(probe, range(400)))
    assert outcomes == ["ok"] * 400
    assert list(search_dir.iterdir()) == []

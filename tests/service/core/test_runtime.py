"""The runtime: settings read once, adapters built once per runtime, one installed per process, closed
with everything it opened."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.core import runtime
from service.core.config import Settings
from service.core.runtime import Runtime


@pytest.fixture
def restore(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test installs its own runtimes from its own settings, whatever stack the process was on before
    (its KHO_* environment is set aside); afterwards none is installed (the next user builds its own)."""
    for key in [k for k in os.environ if k.startswith("KHO_") and not k.startswith("KHO_TEST_")]:
        monkeypatch.delenv(key)
    yield
    runtime.close()


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(env="test", var_dir=tmp_path, search="embedded", **extra)  # type: ignore[arg-type]


def test_installed_runtime_is_what_every_accessor_reads(tmp_path: Path, restore: None) -> None:
    from service.core.db import get_engine, get_sessionmaker
    from service.jobs.queue import huey_app
    from service.ops.ratelimit import limiter

    rt = runtime.install(Runtime.build(_settings(tmp_path, tus_expiry_hours=3)))
    assert runtime.current() is rt and runtime.get_settings() is rt.settings
    assert runtime.get_settings().limits.tus_expiry_hours == 3  # the operational knobs are in the one Settings
    assert get_engine() is rt.engine and get_sessionmaker() is rt.sessionmaker
    assert runtime.get_store() is rt.store and runtime.get_search_index() is rt.search_index
    assert huey_app(rt) is huey_app(runtime.current()) and limiter(rt) is limiter(rt)
    with rt.engine.connect() as conn:
        assert str(rt.engine.url).endswith(str(tmp_path / "kho.db")) and conn.execute(text("SELECT 1")).scalar()


def test_each_adapter_is_built_once_under_a_burst_of_first_callers(tmp_path: Path) -> None:
    rt = Runtime.build(_settings(tmp_path))
    built: list[int] = []
    gate = threading.Barrier(16)

    def build(_: Runtime) -> object:
        built.append(1)
        return object()

    seen: list[object] = []

    def ask() -> None:
        gate.wait()
        seen.append(rt.adapter(build))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(built) == 1 and len(seen) == 16 and all(s is seen[0] for s in seen)
    rt.close()


def test_a_failed_build_is_retried_on_next_use(tmp_path: Path) -> None:
    rt = Runtime.build(_settings(tmp_path))
    calls: list[int] = []

    def flaky(_: Runtime) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("down")
        return 7

    with pytest.raises(ConnectionError):
        rt.adapter(flaky)
    assert rt.adapter(flaky) == 7 and rt.adapter(flaky) == 7 and len(calls) == 2


def test_installing_a_runtime_closes_the_one_it_replaces(tmp_path: Path, restore: None) -> None:
    first = runtime.install(Runtime.build(_settings(tmp_path / "a")))
    closed: list[str] = []
    first.on_close(lambda: closed.append("first"))
    index = first.search_index
    index.count()
    second = runtime.install(Runtime.build(_settings(tmp_path / "b")))
    assert first.closed and closed == ["first"] and not second.closed
    assert runtime.current() is second and runtime.get_settings().var_dir == tmp_path / "b"
    runtime.close()
    assert second.closed and not runtime.installed()


def test_a_failing_closer_does_not_keep_the_others_open(tmp_path: Path) -> None:
    rt = Runtime.build(_settings(tmp_path))
    closed: list[str] = []
    rt.on_close(lambda: closed.append("pool"))
    rt.on_close(lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    rt.close()
    rt.close()  # idempotent
    assert closed == ["pool"]


def test_settings_are_read_from_env_and_dot_env_with_their_kho_names(tmp_path: Path, restore: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith("KHO_") and not k.startswith("KHO_TEST")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("KHO_TUS_EXPIRY_HOURS=5\nKHO_WORKER_THREADS=3\nKHO_RATE_LIMIT_ENABLED=false\n",
                                   encoding="utf-8")
    monkeypatch.setenv("KHO_WORKER_THREADS", "4")  # the environment wins over .env
    rt = runtime.install(Runtime.build())
    s = rt.settings
    assert (s.limits.tus_expiry_hours, s.jobs.worker_threads, s.rate_limit.enabled) == (5, 4, False)
    (tmp_path / ".env").write_text("KHO_TUS_EXPIRY_HOURS=9\n", encoding="utf-8")
    assert runtime.get_settings().limits.tus_expiry_hours == 5  # read once, when the runtime was built


def test_the_app_builds_and_closes_its_own_runtime_when_none_is_installed(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from service.app import create_app
    from service.core.migrate import upgrade

    runtime.close()
    monkeypatch.setenv("KHO_ENV", "test")
    monkeypatch.setenv("KHO_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("KHO_SECRET_KEY", "app-" + "x" * 40)
    for key in ("KHO_DATABASE_URL", "KHO_STORAGE", "KHO_SEARCH", "KHO_QUEUE", "KHO_SEARCH_PATH"):
        monkeypatch.delenv(key, raising=False)
    upgrade(f"sqlite:///{tmp_path / 'kho.db'}")
    runtime.close()  # the migration's own (built on demand), so the app finds none installed
    app = create_app()
    with TestClient(app) as client:
        rt = app.state.runtime
        assert isinstance(rt, Runtime) and runtime.current() is rt and rt.settings.var_dir == tmp_path
        assert client.get("/readyz").status_code == 200
    assert rt.closed and not runtime.installed() and app.state.runtime is None


def test_the_app_uses_an_installed_runtime_and_leaves_it_open(tmp_path: Path, restore: None) -> None:
    from service.app import create_app

    rt = runtime.install(Runtime.build(_settings(tmp_path, secret_key="app-" + "x" * 40)))
    app = create_app()
    with TestClient(app) as client:
        assert app.state.runtime is rt
        assert client.get("/healthz").status_code == 200
    assert not rt.closed and runtime.current() is rt


def test_a_fresh_clone_without_var_starts_at_once(tmp_path: Path, restore: None) -> None:
    """`scripts/run.sh` on a fresh clone: var/ does not exist yet. SQLite cannot create its file in a missing
    folder and "unable to open database file" reads as an outage, so the start-up wait used to retry for
    minutes; the engine now makes the folder."""
    from service.ops.startup import wait_for_database

    var = tmp_path / "not" / "yet"
    rt = runtime.install(Runtime.build(_settings(var, startup_wait_seconds=1)))
    assert not var.exists()
    wait_for_database(rt)  # raises after one second if the database cannot be opened
    with rt.engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert (var / "kho.db").exists()

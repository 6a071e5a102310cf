"""Shared test helpers: service detection that skips locally but fails in CI (KHO_TEST_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

PG_URL = os.environ.get("KHO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def xdist_worker_index() -> int:
    """0 outside pytest-xdist; n for worker "gwn"."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


# Each xdist worker gets a Redis database of its own (15, 14, …): the job queue's name is the same in every
# process, so two workers on one database would take each other's jobs. The multi-host test takes a second
# one (7, 6, …) for the hosts it starts. Redis has 16 databases: up to 8 workers.
REDIS_URL = os.environ.get("KHO_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - xdist_worker_index()}")
HOSTS_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{int(REDIS_URL.rsplit('/', 1)[1]) - 8}"


def require_or_skip(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("KHO_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    return port_open("127.0.0.1", 5432)


def redis_available() -> bool:
    return port_open("127.0.0.1", 6379)


def create_pg_database(name: str) -> str:
    """A fresh PostgreSQL database; returns its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _proc_stat(pid: int | str) -> tuple[str, list[str]] | None:
    """(command name, the fields after it) from /proc/<pid>/stat; None once the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()


def process_alive(pid: int, name: str | None = None) -> bool:
    """Running (not a zombie), and named `name` when given."""
    found = _proc_stat(pid)
    return found is not None and found[1][0] != "Z" and (name is None or found[0] == name)


def process_parents() -> dict[int, tuple[int, str]]:
    """Every process's parent pid and command name."""
    out = {}
    for entry in Path("/proc").iterdir():
        found = _proc_stat(entry.name) if entry.name.isdigit() else None
        if found is not None:
            out[int(entry.name)] = (int(found[1][1]), found[0])
    return out


def wait_until(check: Callable[[], object], timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll `check` until it is true; fail naming `what` after `timeout` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)

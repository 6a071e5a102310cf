"""Start-up: `kho migrate` creates the first administrator whatever other users exist (shown once), `kho
create-admin` makes another, and `kho api` / `kho worker` started while PostgreSQL is down wait for it
(logging each wait) and serve once it is up, instead of exiting."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SETTINGS
from tests.faults.conftest import PgCluster
from tests.live import free_port

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_") or k.startswith("KHO_TEST")}
    # TEST_SETTINGS: argon2's cheapest parameters, as in every other test process (these CLI runs hash and
    # check several passwords; the standard parameters cost ~0.5 s of CPU each).
    return {**env, "PYTHONPATH": str(REPO), **TEST_SETTINGS, "KHO_VAR_DIR": str(var_dir),
            "KHO_SECRET_KEY": "startup-" + "x" * 40, **extra}


def _kho(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _can_log_in(env: dict[str, str], email: str, password: str) -> str:
    code = ("from service.auth import service as a\nfrom service.core.db import unit_of_work\n"
            f"with unit_of_work() as s:\n    print(a.authenticate(s, {email!r}, {password!r}, None).role)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_migrate_creates_the_first_admin_even_when_other_users_exist(tmp_path: Path) -> None:
    env = _env(tmp_path / "var")
    # A database whose only user is not an administrator (what `migrate → seed-demo` used to leave).
    _kho(env, "migrate")
    code = ("from service.core.db import unit_of_work\nfrom service.models import User\nfrom sqlalchemy import delete\n"
            "with unit_of_work() as s:\n    s.execute(delete(User))\n")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, timeout=60)
    _kho(env, "create-user", "giao-vien@kho.local", "--role", "staff", "--password", "pw-staff-12345")
    first = _kho(env, "migrate")
    found = re.search(r"email:\s+(\S+)\s+mật khẩu / password: (\S+)", first)
    assert found, first
    assert _can_log_in(env, found.group(1), found.group(2)) == "admin"
    again = _kho(env, "migrate")
    assert "password" not in again  # shown once: an existing administrator is left alone

    out = _kho(env, "create-admin", "truong-phong@kho.local")
    password = re.search(r"password \(shown once\): (\S+)", out)
    assert password, out
    assert _can_log_in(env, "truong-phong@kho.local", password.group(1)) == "admin"


def _wait_for_log(log_path: Path, proc: subprocess.Popen[bytes], text: str, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while log_path.read_text().count(text) < count and time.monotonic() < deadline:
        assert proc.poll() is None, log_path.read_text()[-3000:]
        time.sleep(0.2)
    assert log_path.read_text().count(text) >= count, log_path.read_text()[-3000:]


def test_worker_waits_for_the_database_at_start(pg_cluster: PgCluster, tmp_path: Path) -> None:
    pg_cluster.stop("fast")
    env = _env(tmp_path / "var", KHO_DATABASE_URL=pg_cluster.url)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], cwd=REPO, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_log(log_path, worker, "database unavailable", 2, 60)
        assert "worker started" not in log_path.read_text()
        pg_cluster.start()
        _wait_for_log(log_path, worker, "worker started", 1, 120)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)


def test_api_waits_for_the_database_at_start(pg_cluster: PgCluster, tmp_path: Path) -> None:
    pg_cluster.stop("fast")
    port = free_port()
    env = _env(tmp_path / "var", KHO_DATABASE_URL=pg_cluster.url)
    log_path = tmp_path / "api.log"
    with log_path.open("wb") as log:
        api = subprocess.Popen([sys.executable, "-m", "service.cli", "api", "--port", str(port)], cwd=REPO,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while log_path.read_text().count("database unavailable") < 2 and time.monotonic() < deadline:
            assert api.poll() is None, log_path.read_text()[-3000:]
            time.sleep(0.2)
        assert log_path.read_text().count("database unavailable") >= 2, log_path.read_text()[-3000:]
        assert api.poll() is None  # still waiting, not exited
        pg_cluster.start()
        deadline = time.monotonic() + 120
        ready = None
        while time.monotonic() < deadline:
            assert api.poll() is None, log_path.read_text()[-3000:]
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert ready is not None and ready.status_code == 200, log_path.read_text()[-3000:]
        assert ready.json()["checks"]["database"] == "ok"
    finally:
        if api.poll() is None:
            os.killpg(api.pid, signal.SIGTERM)
            try:
                api.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(api.pid, signal.SIGKILL)

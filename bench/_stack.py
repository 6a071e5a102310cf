"""Shared by the benches: an API server in a child process on a configured var dir, and its RSS."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
_SERVER = """
import sys, uvicorn
from service.app import create_app
uvicorn.run(create_app(with_worker=sys.argv[2] == "1"), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", access_log=False, timeout_graceful_shutdown=30)
"""


def free_port() -> int:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def prepare(env: dict[str, str]) -> None:
    """Migrate the configured database (in a child, so this process keeps no settings cache)."""
    subprocess.run([sys.executable, "-m", "service.cli", "migrate"], cwd=REPO, env=env, check=True,
                   capture_output=True)


def tokens(env: dict[str, str], roles: list[str]) -> list[str]:
    """Bearer tokens for new users with these roles, all in one new organisation (one child process)."""
    code = f"""
import uuid
from service.auth import service as auth
from service.core.db import unit_of_work
from service.orgs import repository as orgs_repo, service as orgs
code = "BENCH-" + uuid.uuid4().hex[:6]
with unit_of_work() as s:
    orgs.create(s, code=code, name="Đơn vị đo " + code, kind="department", parent_code=None)
for role in {roles!r}:
  with unit_of_work() as s:
    org = orgs_repo.by_code(s, code)
    user = auth.create_user(s, email=f"bench-{{uuid.uuid4().hex[:8]}}@bench.local", full_name="Bench",
                            password="bench-" + uuid.uuid4().hex, role=role, organisation_id=org.id)
    print(auth.issue_token(s, user).token)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True, text=True)
    return ["Bearer " + line for line in out.stdout.strip().splitlines()[-len(roles):]]


def token(env: dict[str, str], role: str = "producer") -> str:
    return tokens(env, [role])[0].removeprefix("Bearer ")


class Server:
    def __init__(self, env: dict[str, str], *, with_worker: bool = False) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(self.port), "1" if with_worker else "0"],
                                     cwd=REPO, env={**env, "KHO_LOG_FORMAT": "text"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the API did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def base_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update({"KHO_ENV": "test", "KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "bench-" + "x" * 40,
                "PYTHONPATH": str(REPO), **extra})
    return env

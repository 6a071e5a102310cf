"""Redis is unreachable while the API runs with the shared (Redis) rate limiter: requests are still limited,
per process, instead of all let through, and /readyz says the limiter is degraded."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.faults.conftest import service_env

pytestmark = pytest.mark.slow


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_redis_down_limits_per_process_and_readyz_says_so(tmp_path: Path) -> None:
    from service.app import create_app

    env = {"KHO_QUEUE": "redis", "KHO_REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
           "KHO_RATE_LIMIT_ANONYMOUS_PER_MINUTE": "5"}
    with service_env(tmp_path / "var", **env), TestClient(create_app(), raise_server_exceptions=False) as client:
        codes = [client.get("/api/v1/jobs/nothing").status_code for _ in range(8)]
        assert codes[:5] == [401] * 5  # under the limit: the route answers (no bearer token)
        assert codes[5:] == [429] * 3  # over it: refused, although Redis cannot be asked
        ready = client.get("/readyz")
        assert ready.status_code == 503  # the queue is on the same Redis
        checks = ready.json()["checks"]
        assert checks["queue"].startswith("error")
        assert checks["rate_limiter"].startswith("degraded")

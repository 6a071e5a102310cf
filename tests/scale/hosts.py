"""Real `kho api` / `kho worker` processes, each with its own var folder (its own "machine"), on one shared
PostgreSQL, S3 server and Redis: what the scale mode's hosts share and nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from tests.live import free_port

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Host:
    name: str
    role: str  # "api" | "worker"
    var_dir: Path
    logs: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> Host:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        args = ["api", "--port", str(self.port)] if self.role == "api" else ["worker"]
        env = {**os.environ, "PYTHONPATH": str(REPO), "KHO_VAR_DIR": str(self.var_dir)}
        self._log = (self.logs / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "service.cli", *args], cwd=REPO, env=env,
                                     stdout=self._log, stderr=self._log, start_new_session=True)
        if self.role == "api":
            self._wait_healthy()
        return self

    def _wait_healthy(self, within: float = 90) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, f"{self.name} exited: {self.log_tail()}"
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start: {self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: the machine is gone, nothing gets to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, chars: int = 3000) -> str:
        path = self.logs / f"{self.name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

"""SIGTERM to `kho api` while an upload streams in: the upload finishes (201), then the server exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.faults.conftest import assets_and_keys, producer_headers, service_env, streamed_upload
from tests.live import free_port
from tests.service.assets.media import png

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024


def test_sigterm_lets_the_in_flight_upload_finish(tmp_path: Path) -> None:
    with service_env(tmp_path / "var"):
        headers = producer_headers()
        rows = assets_and_keys()[0]
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "service.cli", "api", "--port", str(port)], cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            paused = threading.Event()
            body, ctype, length = streamed_upload(png(size=(200, 200)), 8 * MiB, pause=3.0, paused=paused)
            result: dict[str, httpx.Response] = {}

            def send() -> None:
                result["r"] = httpx.post(f"http://127.0.0.1:{port}/api/v1/assets", content=body, timeout=60,
                                         headers={**headers, "Content-Type": ctype, "Content-Length": str(length)})

            sender = threading.Thread(target=send)
            sender.start()
            assert paused.wait(60), "the upload never reached its pause"  # half the bytes are sent
            proc.send_signal(signal.SIGTERM)
            sender.join(timeout=60)
            assert result["r"].status_code == 201, result["r"].text
            # uvicorn re-raises the signal once it has shut down gracefully, hence -SIGTERM.
            assert proc.wait(timeout=40) in (0, -signal.SIGTERM)
            assert assets_and_keys()[0] == rows + 1
        finally:
            if proc.poll() is None:
                proc.kill()

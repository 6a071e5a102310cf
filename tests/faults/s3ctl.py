"""An S3 server (moto) that tests can refuse, restore, hang and resume on the same port with the same objects,
and optionally slow down. See s3_child.py for how each fault is made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from tests.storage.s3server import ACCESS_KEY, SECRET_KEY

CHILD = Path(__file__).with_name("s3_child.py")


class ControlledS3:
    def __init__(self, rate: int = 0) -> None:
        self.access_key, self.secret_key = ACCESS_KEY, SECRET_KEY
        self._log: IO[bytes] = tempfile.TemporaryFile()
        env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
        self._proc = subprocess.Popen([sys.executable, str(CHILD), str(rate)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=self._log, env=env)
        self.port = int(self._answer(60))
        self.endpoint = f"127.0.0.1:{self.port}"
        self.hung = False

    def _answer(self, timeout: float) -> str:
        assert self._proc.stdout is not None
        os.set_blocking(self._proc.stdout.fileno(), False)
        deadline = time.monotonic() + timeout
        buffer = b""
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._log.seek(0)
                raise RuntimeError(f"S3 server exited: {self._log.read()[-2000:]!r}")
            chunk = self._proc.stdout.readline()
            if chunk:
                buffer += chunk
                if buffer.endswith(b"\n"):
                    return buffer.decode().strip()
            else:
                time.sleep(0.02)
        raise TimeoutError("the S3 server did not answer")

    def _command(self, command: str) -> None:
        assert self._proc.stdin is not None and not self.hung
        self._proc.stdin.write(command.encode() + b"\n")
        self._proc.stdin.flush()
        assert self._answer(30) == command

    def refuse(self) -> None:
        """Connections are refused (and open ones reset), as when the server process is stopped."""
        self._command("refuse")

    def restore(self) -> None:
        """Back on the same port with the same objects."""
        self._command("restore")

    def hang(self) -> None:
        """SIGSTOP: connections are accepted by the kernel and never answered."""
        os.kill(self._proc.pid, signal.SIGSTOP)
        self.hung = True

    def resume(self) -> None:
        os.kill(self._proc.pid, signal.SIGCONT)
        self.hung = False

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()  # also ends a stopped process
            self._proc.wait(timeout=30)
        self._log.close()

    def env(self, bucket: str) -> dict[str, str]:
        return {"KHO_STORAGE": "s3", "KHO_S3_ENDPOINT": self.endpoint, "KHO_S3_ACCESS_KEY": self.access_key,
                "KHO_S3_SECRET_KEY": self.secret_key, "KHO_S3_BUCKET": bucket}

"""A real S3-protocol server for tests: moto's ThreadedMotoServer on 127.0.0.1, on a free port.

Reusable by any test suite::

    from tests.storage.s3server import start_s3_server, S3ServerError
    server = start_s3_server()          # raises S3ServerError if it cannot start
    store = S3Store(server.endpoint, server.access_key, server.secret_key, "bucket")
    ...
    server.stop()

By default the server runs in a child process: its memory does not count against the code under
test (the bounded-memory checks rely on that), `kill()` is a real outage, and the child exits on its
own when the test process dies (it watches its stdin).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import IO

ACCESS_KEY = "kho-test-access"
SECRET_KEY = "kho-test-secret-key"
STARTUP_TIMEOUT = 60.0

_CHILD = r"""
import logging, sys
logging.getLogger("werkzeug").setLevel(logging.ERROR)
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()  # returns when the parent closes the pipe or dies
server.stop()
"""


class S3ServerError(RuntimeError):
    """The S3 server could not be started (the message says why)."""


@dataclass
class S3Server:
    endpoint: str  # "127.0.0.1:PORT", the form minio.Minio and S3Store take
    access_key: str
    secret_key: str
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """Shut the server down (idempotent); it stops accepting connections immediately."""
        proc, self._process = self._process, None
        if proc is not None and proc.poll() is None:
            proc.kill()  # an abrupt stop is what an outage looks like; SIGKILL also cannot hang
            proc.wait(timeout=30)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> S3Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_s3_server(*, timeout: float = STARTUP_TIMEOUT) -> S3Server:
    """Start moto's S3 server in a child process and wait until it accepts requests."""
    log = tempfile.TemporaryFile()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env
        )
    except OSError as exc:
        log.close()
        raise S3ServerError(f"cannot start moto server: {exc}") from exc
    server = S3Server("", ACCESS_KEY, SECRET_KEY, proc, log)
    try:
        port = _read_port(proc, timeout)
    except BaseException:
        details = _tail(log)
        server.stop()
        raise S3ServerError(f"moto S3 server did not start: {details}") from None
    server.endpoint = f"127.0.0.1:{port}"
    return server


def _read_port(proc: subprocess.Popen[bytes], timeout: float) -> int:
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("exited")
        chunk = proc.stdout.read()
        if chunk:
            buffer += chunk
            if b"\n" in buffer:
                return int(buffer.split(b"\n", 1)[0])
        time.sleep(0.05)
    raise TimeoutError


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    text = log.read().decode("utf-8", "replace").strip()
    return text[-2000:] or "no output"

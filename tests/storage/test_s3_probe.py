"""Readiness probes use their own short timeouts, whatever the data timeouts are: a hung S3 server makes
`health()` fail within about a second even when transfers may wait 30 s for a read."""

from __future__ import annotations

import socket
import time

import pytest

from storage.base import StorageUnavailable
from storage.s3 import S3Store


def test_health_on_a_hung_server_fails_within_the_probe_timeout() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # handshakes complete in the kernel; nobody ever answers
        port = listener.getsockname()[1]
        store = S3Store(f"127.0.0.1:{port}", "k", "secret", "kho-hang", connect_timeout=3, read_timeout=30,
                        retries=2, probe_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            store.health()
        assert time.monotonic() - started < 2.0  # the data client alone would have waited 3 × 30 s

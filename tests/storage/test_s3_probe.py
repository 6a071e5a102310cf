"""Readiness probes use their own short timeouts, whatever the data timeouts are: a hung S3 server makes
`health()` fail within about a second even when transfers may wait 30 s for a read."""

from __future__ import annotations

import socket
import time

import pytest
import urllib3

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


def test_a_read_timeout_is_not_retried() -> None:
    from storage.s3 import _http_client

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        http = _http_client(1.0, 0.5, retries=3, pool=2)
        started = time.monotonic()
        with pytest.raises(urllib3.exceptions.ReadTimeoutError):
            http.request("GET", f"http://127.0.0.1:{port}/x")
        took = time.monotonic() - started
    assert took < 1.4  # one read timeout (0.5 s), not four


def test_a_dropped_connection_is_retried() -> None:
    import threading

    from storage.s3 import _http_client

    accepted: list[int] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]

        def drop() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                accepted.append(1)
                conn.close()  # as a restarted server does to a kept-alive connection

        threading.Thread(target=drop, daemon=True).start()
        http = _http_client(1.0, 2.0, retries=2, pool=2)
        with pytest.raises(urllib3.exceptions.MaxRetryError):
            http.request("GET", f"http://127.0.0.1:{port}/x")
        listener.shutdown(socket.SHUT_RDWR)
    assert len(accepted) == 3  # the first try and two retries

"""THE in-thread uvicorn server of the tests: the API on 127.0.0.1 in a thread of the test process, stoppable
and startable again on the same var dir and port (an API restart as the client sees it). The tus tests, the
client-disconnect test, the fault tests and the browser tests' live server all start it here."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


def free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port


class LiveServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        from service.app import create_app

        config = uvicorn.Config(create_app(), host="127.0.0.1", port=self.port, log_level="warning",
                                timeout_graceful_shutdown=5)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self._server.started:
            raise RuntimeError("uvicorn did not start")
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
        self._server = self._thread = None

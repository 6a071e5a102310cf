"""Child process for tests/faults/s3ctl.py: moto's S3 server behind a small TCP front on a fixed port.

Commands on stdin, one a line, each acknowledged on stdout: `refuse` closes the front (new connections are
refused, open ones are reset), `restore` listens again on the same port. Objects live in this process, so a
restored server has the same data, as a restarted server on the same data folder would. SIGSTOP freezes front
and server together: connections are still accepted by the kernel and never answered (a hung server).
An optional rate (bytes per second, per connection and direction) makes every transfer slow.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time


class Front:
    def __init__(self, upstream: int, rate: int) -> None:
        self.upstream, self.rate = upstream, rate
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def listen(self, port: int) -> int:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
        self.listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()
        return int(sock.getsockname()[1])

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open |= {client, server}
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        size = min(65536, max(1024, self.rate // 20)) if self.rate else 65536
        try:
            while True:
                data = src.recv(size)
                if not data:
                    break
                dst.sendall(data)
                if self.rate:
                    time.sleep(len(data) / self.rate)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                _shut(sock)

    def refuse(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            _shut(listener)  # wakes the accept() above
            listener.close()
        with self.lock:
            sockets, self.open = self.open, set()
        for sock in sockets:
            _shut(sock)
            sock.close()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    rate = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    front = Front(server.get_host_and_port()[1], rate)
    port = front.listen(0)
    print(port, flush=True)
    for line in sys.stdin:  # ends when the parent closes the pipe or dies
        command = line.strip()
        if command == "refuse":
            front.refuse()
        elif command == "restore":
            front.listen(port)
        print(command, flush=True)
    front.refuse()
    server.stop()


if __name__ == "__main__":
    main()

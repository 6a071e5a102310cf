"""A pull-style multipart/form-data reader over an iterator of body chunks.

Starlette's form parser spools the whole file before the route runs; here the file part is exposed as a
stream whose read() drives the parser, so bytes flow from the socket to the object store with bounded
memory, and a size limit or a wrong media type stops the upload without reading the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

from service.core.errors import BadRequest

MAX_FIELD_BYTES = 1024 * 1024
MAX_FIELDS = 64


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    _stream: MultipartStream = field(repr=False)
    done: bool = False

    def read(self, n: int = -1) -> bytes:
        return self._stream.read_part(self, n)

    def read_all(self, limit: int) -> bytes:
        data = bytearray()
        while chunk := self.read(65536):
            data += chunk
            if len(data) > limit:
                raise BadRequest("bad_multipart", reason=f"field '{self.name}' is too long")
        return bytes(data)


def boundary_of(content_type: str) -> bytes:
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise BadRequest("bad_multipart", reason="Content-Type must be multipart/form-data with a boundary")
    return boundary


class MultipartStream:
    def __init__(self, chunks: Iterator[bytes], boundary: bytes) -> None:
        self._chunks = chunks
        self._events: deque[tuple[str, bytes]] = deque()
        self._header_name = b""
        self._header_value = b""
        self._finished = False
        self._ended = False
        self._current: Part | None = None
        self._parts_seen = 0
        self._parser = MultipartParser(boundary, {
            "on_part_begin": lambda: self._events.append(("begin", b"")),
            "on_part_data": lambda d, s, e: self._events.append(("data", bytes(d[s:e]))),
            "on_part_end": lambda: self._events.append(("end", b"")),
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": lambda: self._events.append(("headers_done", b"")),
            "on_end": self._on_end,
        })

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        self._events.append(("header", self._header_name.lower() + b"\x00" + self._header_value))
        self._header_name = b""
        self._header_value = b""

    def _on_end(self) -> None:
        self._ended = True

    def _pump(self) -> bool:
        """Feed one more chunk to the parser; False once the body is exhausted."""
        if self._finished:
            return False
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._finished = True
            self._parser.finalize()
            if not self._ended:
                raise BadRequest("bad_multipart", reason="the body ended before the closing boundary") from None
            return False
        try:
            self._parser.write(chunk)
        except Exception as exc:  # python-multipart raises its own error types for malformed bodies
            raise BadRequest("bad_multipart", reason=str(exc)[:200]) from exc
        return True

    def _next_event(self) -> tuple[str, bytes] | None:
        while not self._events:
            if not self._pump():
                return None
        return self._events.popleft()

    def next_part(self) -> Part | None:
        """Skip the rest of the current part, then return the next one with its headers parsed."""
        if self._current and not self._current.done:
            while self._current.read(65536):
                pass
        headers: dict[str, bytes] = {}
        while True:
            event = self._next_event()
            if event is None:
                return None
            kind, payload = event
            if kind == "header":
                name, _, value = payload.partition(b"\x00")
                headers[name.decode("latin-1")] = value
            elif kind == "headers_done":
                break
        self._parts_seen += 1
        if self._parts_seen > MAX_FIELDS:
            raise BadRequest("bad_multipart", reason="too many form fields")
        # Raw bytes in, raw bytes out: browsers send UTF-8 file names unescaped.
        _, params = parse_options_header(headers.get("content-disposition", b""))
        raw_filename = params.get(b"filename")
        self._current = Part(
            name=params.get(b"name", b"").decode("utf-8", "replace"),
            filename=raw_filename.decode("utf-8", "replace") if raw_filename is not None else None,
            content_type=headers.get("content-type", b"").decode("latin-1") or None, _stream=self)
        return self._current

    def read_part(self, part: Part, n: int) -> bytes:
        """Return the next bytes of `part` (at most n; fewer is fine, like a socket), b"" at its end."""
        while not part.done:
            if not self._events:
                if not self._pump():
                    raise BadRequest("bad_multipart", reason="the body ended inside a part")
                continue
            kind, data = self._events[0]
            if kind == "data":
                self._events.popleft()
                if 0 <= n < len(data):
                    self._events.appendleft(("data", data[n:]))
                    data = data[:n]
                if data:
                    return data
                continue
            if kind == "end":
                self._events.popleft()
                part.done = True
                return b""
            raise BadRequest("bad_multipart", reason="unexpected part boundary")
        return b""

"""A ZIP written straight into the HTTP response: `zipfile` writes into a sink whose bytes are handed
out after every chunk, so neither a temporary file nor the whole archive is ever held. The sink is not
seekable, so zipfile uses data descriptors (sizes after each entry) — every unzip tool reads those."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime


class _Sink(io.RawIOBase):
    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._pos = 0

    def writable(self) -> bool:
        return True

    def write(self, b: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        data = bytes(b)
        self._chunks.append(data)
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


@dataclass(frozen=True)
class ZipMember:
    name: str
    size: int  # known in advance: decides ZIP64 for the entry
    modified: datetime
    chunks: Callable[[], Iterable[bytes]]  # opened only when the entry is written
    compress: bool = False  # media is already compressed: store it


def stream_zip(members: Iterable[ZipMember]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", allowZip64=True) as zf:
        for m in members:
            info = zipfile.ZipInfo(m.name, date_time=m.modified.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED if m.compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=m.size >= 0x7FFF_FFFF) as dest:
                for chunk in m.chunks():
                    dest.write(chunk)
                    if out := sink.drain():
                        yield out
            if out := sink.drain():
                yield out
    yield sink.drain()  # the central directory

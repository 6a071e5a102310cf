"""The object-storage contract shared by every backend.

Keys are opaque, `/`-separated, NFC-normalised strings chosen by the service (already sharded, e.g.
``originals/3f/a2/<uuid>/v1.mp4``). Both backends apply the same validation, so a key that works on a
laptop folder also works on S3 and the other way round.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol, runtime_checkable

MiB = 1024 * 1024
DEFAULT_CHUNK_SIZE = MiB
MAX_KEY_BYTES = 512
# Most filesystems cap one path segment at 255 bytes; enforcing it everywhere keeps S3 and local alike.
MAX_SEGMENT_BYTES = 255
# `.tmp/` at the top of a LocalStore root holds in-flight uploads; no key may live there.
RESERVED_TOP_SEGMENTS = frozenset({".tmp"})


@dataclass(frozen=True)
class ObjectStat:
    key: str
    size: int
    modified: datetime  # timezone-aware UTC
    etag: str | None = None


class StorageError(Exception):
    """Base of every error raised by an ObjectStore."""


class ObjectNotFound(StorageError):
    pass


class InvalidKey(StorageError, ValueError):
    """Empty, absolute, `..`, backslash, NUL/control characters, too long, not NFC, reserved …"""


class StorageUnavailable(StorageError):
    """The backend is down or unreachable (the service answers 503)."""


class StorageFull(StorageError):
    """ENOSPC, quota exceeded (the service answers 507)."""


class SizeMismatch(StorageError):
    """`put(..., size=n)` was given a stream that held a different number of bytes."""


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a valid object key, else raise InvalidKey."""
    if not isinstance(key, str) or not key:
        raise InvalidKey("object key must be a non-empty string")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise InvalidKey(f"object key longer than {MAX_KEY_BYTES} bytes")
    for ch in key:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code <= 0x9F:
            raise InvalidKey(f"object key contains control character U+{code:04X}")
        if 0xD800 <= code <= 0xDFFF:
            raise InvalidKey("object key contains a lone surrogate")
    if "\\" in key:
        raise InvalidKey("object key contains a backslash")
    if unicodedata.normalize("NFC", key) != key:
        raise InvalidKey("object key is not NFC-normalised")
    if key.startswith("/"):
        raise InvalidKey("object key must be relative")
    segments = key.split("/")
    for segment in segments:
        if segment in ("", ".", ".."):
            raise InvalidKey(f"object key has an empty, '.' or '..' segment: {key!r}")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidKey(f"object key segment longer than {MAX_SEGMENT_BYTES} bytes")
    if segments[0] in RESERVED_TOP_SEGMENTS:
        raise InvalidKey(f"object key uses the reserved prefix {segments[0]!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """A prefix is "" or a valid key, optionally followed by a single `/`."""
    if prefix == "":
        return prefix
    validate_key(prefix[:-1] if prefix.endswith("/") else prefix)
    return prefix


def check_range(offset: int, length: int | None) -> None:
    if offset < 0:
        raise ValueError("offset must be >= 0")
    if length is not None and length < 0:
        raise ValueError("length must be >= 0")


def check_expiry(expires: timedelta, maximum: timedelta = timedelta(days=7)) -> None:
    if expires <= timedelta(0):
        raise ValueError("expires must be positive")
    if expires > maximum:
        raise ValueError(f"expires must be at most {maximum}")


class ObjectReader:
    """A readable view of (a range of) one stored object.

    `offset` and `length` describe the bytes this reader returns (after clamping to the object size);
    `total_size` is the whole object's size, which an HTTP layer needs for `Content-Range`.
    Subclasses implement `_read` and `_close`.
    """

    def __init__(self, key: str, *, offset: int, length: int, total_size: int) -> None:
        self.key = key
        self.offset = offset
        self.length = length
        self.total_size = total_size
        self._remaining = length
        self.closed = False

    def _read(self, n: int) -> bytes:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def read(self, n: int = -1) -> bytes:
        """Up to `n` bytes (all remaining if n < 0); b"" at the end of the range."""
        if self.closed:
            raise ValueError("read from a closed ObjectReader")
        want = self._remaining if n < 0 else min(n, self._remaining)
        if want <= 0:
            return b""
        if n < 0:
            parts = []
            while self._remaining > 0:
                chunk = self._read_some(min(self._remaining, DEFAULT_CHUNK_SIZE))
                if not chunk:
                    break
                parts.append(chunk)
            return b"".join(parts)
        return self._read_some(want)

    def _read_some(self, n: int) -> bytes:
        data = self._read(n)
        if not data:
            raise StorageError(f"object {self.key!r} ended {self._remaining} bytes early")
        self._remaining -= len(data)
        return data

    def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the remaining bytes in chunks; closes the reader when exhausted or abandoned."""
        try:
            while chunk := self.read(chunk_size):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._close()

    def __del__(self) -> None:
        # A safety net for readers nobody closed (e.g. an abandoned HTTP response); close() is the API.
        if not getattr(self, "closed", True):
            with suppress(Exception):
                self.close()

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class EmptyReader(ObjectReader):
    """A reader for a range that lies entirely past the end of the object (or has length 0)."""

    def __init__(self, key: str, *, offset: int, total_size: int) -> None:
        super().__init__(key, offset=offset, length=0, total_size=total_size)

    def _read(self, n: int) -> bytes:
        return b""

    def _close(self) -> None:
        pass


@runtime_checkable
class ObjectStore(Protocol):
    def put(
        self,
        key: str,
        stream: BinaryIO,
        *,
        size: int | None = None,
        content_type: str = "application/octet-stream",
    ) -> ObjectStat:
        """Stream from `stream.read(n)` until EOF without holding the object in memory.

        Atomic: if reading or writing fails the exception propagates and no object, temp file or
        incomplete multipart upload remains; an existing object under `key` is left untouched.
        A concurrent reader sees the old object or the new one, never a partial one. If `size` is
        given and the stream holds a different number of bytes, SizeMismatch is raised.
        """
        ...

    def put_file(
        self, key: str, path: Path, *, content_type: str = "application/octet-stream"
    ) -> ObjectStat: ...

    def open(self, key: str, *, offset: int = 0, length: int | None = None) -> ObjectReader:
        """Read `length` bytes from `offset` (to the end if None). A range past the end is clamped;
        an offset at or beyond the end gives an empty reader. Missing key → ObjectNotFound."""
        ...

    def stat(self, key: str) -> ObjectStat: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Idempotent: deleting a missing key is not an error."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object whose key starts with `prefix` (must not be empty); return the count."""
        ...

    def list(self, prefix: str = "") -> Iterator[ObjectStat]:
        """Objects whose key starts with `prefix` (a plain string prefix), sorted by key."""
        ...

    def download_url(
        self,
        key: str,
        *,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
        method: str = "GET",
    ) -> str:
        """A time-limited URL for `method` (GET, or HEAD: an S3 presigned URL is valid for one method)."""
        ...

    def health(self) -> None:
        """Return if the backend is usable, else raise StorageUnavailable."""
        ...

    def sweep_incomplete(self, older_than: timedelta) -> int:
        """Remove leftovers of crashed uploads (temp files / multipart uploads) older than
        `older_than`; return how many were removed. Normal failures never leave any."""
        ...

    def expire_incomplete_uploads(self, after_days: int) -> bool:
        """Ask the backend to remove crashed uploads older than `after_days` on its own (an S3
        lifecycle rule); False when it cannot (a local folder, a server refusing the rule)."""
        ...

"""The stream adapter S3Store hands to minio's put_object."""

from __future__ import annotations

from typing import BinaryIO

from storage.base import SizeMismatch


class _SourceInterrupted(Exception):
    """Stands in for a BaseException (e.g. CancelledError) so minio's `except Exception` aborts."""


class UploadStream:
    """Wraps the caller's stream for minio.

    - `read(n)` returns exactly n bytes unless EOF: minio builds each part with `part += chunk`,
      which is quadratic when a request body arrives in small chunks.
    - When `size` is declared, a stream holding fewer or more bytes raises SizeMismatch *before*
      the last part is sent, so the wrong object is never completed.
    - The first error the source raised is kept, so `put` re-raises it rather than whatever minio
      raised on top of it.
    """

    def __init__(self, source: BinaryIO, size: int | None) -> None:
        self._source = source
        self._size = size
        self._total = 0
        self.source_error: BaseException | None = None

    def check_empty(self) -> None:
        """For size=0 minio never calls read(), so check for surplus bytes up front."""
        if self._size == 0 and self._read_source(1):
            raise SizeMismatch("declared size 0 but the stream has data")

    def _read_source(self, n: int) -> bytes:
        try:
            return bytes(self._source.read(n))
        except Exception as exc:
            self.source_error = exc
            raise
        except BaseException as exc:
            self.source_error = exc
            raise _SourceInterrupted(repr(exc)) from exc

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            raise ValueError("UploadStream needs a bounded read size")
        chunks: list[bytes] = []
        got = 0
        while got < n:
            chunk = self._read_source(n - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        self._total += got
        self._check_size(eof=got < n)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _check_size(self, *, eof: bool) -> None:
        if self._size is None:
            return
        if self._total > self._size or (eof and self._total < self._size):
            self._fail(f"declared size {self._size} but the stream held {self._total}+ bytes")
        if self._total == self._size and self._read_source(1):
            self._fail(f"declared size {self._size} but the stream has more data")

    def _fail(self, message: str) -> None:
        error = SizeMismatch(message)
        self.source_error = error
        raise error

    def reraise_source_error(self) -> None:
        if self.source_error is not None:
            raise self.source_error

"""Test streams: deterministic bytes produced on the fly, optionally failing part-way."""

from __future__ import annotations

import hashlib
import random
from typing import BinaryIO, cast

KiB = 1024


class GeneratedStream:
    """`total` pseudo-random bytes, handed out at most `chunk` at a time like a request body.

    Never holds more than one chunk, so a memory measurement sees only what the store keeps.
    If `fail_after` is set, read() raises `error` once that many bytes have been handed out.
    """

    def __init__(
        self,
        total: int,
        *,
        seed: int = 71,
        chunk: int = 64 * KiB,
        fail_after: int | None = None,
        error: BaseException | None = None,
    ) -> None:
        self.total = total
        self.position = 0
        self.sha256 = hashlib.sha256()
        self._random = random.Random(seed)
        self._chunk = chunk
        self._fail_after = fail_after
        self._error = error or ConnectionResetError("client went away")

    @property
    def io(self) -> BinaryIO:
        """This stream typed as the BinaryIO that `ObjectStore.put` declares (it only calls read)."""
        return cast(BinaryIO, self)

    def read(self, n: int = -1) -> bytes:
        if self._fail_after is not None and self.position >= self._fail_after:
            raise self._error
        limit = self.total - self.position
        if self._fail_after is not None:
            limit = min(limit, self._fail_after - self.position)
        size = min(limit, self._chunk if n < 0 else min(n, self._chunk))
        data = self._random.randbytes(size)
        self.position += size
        self.sha256.update(data)
        return data


def generated_bytes(total: int, seed: int = 71) -> bytes:
    return random.Random(seed).randbytes(total)


class ClientGone(Exception):
    """What the service sees when an uploader disconnects mid-body."""


class Cancelled(BaseException):
    """Like asyncio.CancelledError: a BaseException, which must not bypass the cleanup."""

"""The staged bytes of tus uploads, kept in the object store so that any API host can take any PATCH.

Each accepted PATCH is one object under the upload's prefix (`tus-staging/<upload>/`), named by its
offset plus a random token: two requests racing for the same offset never write the same key, and
the loser of the database's compare-and-set deletes its own object. Small chunks are why these are
plain objects and not S3 multipart parts (S3 needs >= 5 MiB for every part but the last).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from service.models import UploadPart
from storage.base import ObjectNotFound, ObjectStore, StorageError

log = logging.getLogger("kho.tus")
STAGING_ROOT = "tus-staging/"


class ChunkTooLong(Exception):
    pass


class PartsInconsistent(Exception):
    """A staged part is missing or holds a different number of bytes than its row says."""


@dataclass(frozen=True)
class StagedPart:
    key: str | None  # None for an empty PATCH: nothing is stored
    size: int
    sha1: bytes


def prefix_of(upload_id: uuid.UUID) -> str:
    return f"{STAGING_ROOT}{upload_id.hex}/"


class _CountingReader:
    """The request's chunks as a readable stream: hashes (sha1, tus checksum), counts, stops at `room`."""

    def __init__(self, chunks: Iterable[bytes], room: int) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = b""
        self._room = room
        self.size = 0
        self.sha1 = hashlib.sha1(usedforsecurity=False)

    def read(self, n: int = -1) -> bytes:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self.size += len(chunk)
            if self.size > self._room:
                raise ChunkTooLong()
            self.sha1.update(chunk)
            self._pending = chunk
        cut = len(self._pending) if n < 0 else n
        data, self._pending = self._pending[:cut], self._pending[cut:]
        return data

    def peek_empty(self) -> bool:
        """True when the request has no bytes at all (an empty PATCH stores nothing)."""
        if self._pending:
            return False
        self._pending = self.read(-1)
        return not self._pending


def put_part(store: ObjectStore, upload_id: uuid.UUID, offset: int, chunks: Iterable[bytes], room: int) -> StagedPart:
    """Store the request's bytes as one staged object (atomic: on any error no object remains)."""
    reader = _CountingReader(chunks, room)
    if reader.peek_empty():
        return StagedPart(None, 0, reader.sha1.digest())
    key = f"{prefix_of(upload_id)}{offset:015d}-{uuid.uuid4().hex[:12]}"
    store.put(key, reader)  # type: ignore[arg-type]  # put only needs .read(n)
    return StagedPart(key, reader.size, reader.sha1.digest())


class PartsReader:
    """The staged parts read back in offset order as one stream; every part's size is checked."""

    def __init__(self, store: ObjectStore, parts: Sequence[UploadPart]) -> None:
        self._store = store
        self._parts = list(parts)
        self._index = 0
        self._current: Iterator[bytes] | None = None
        self._got = 0
        self._pending = b""

    def read(self, n: int = -1) -> bytes:
        want = 1024 * 1024 if n is None or n < 0 else n
        while not self._pending:
            chunk = self._next_chunk()
            if chunk is None:
                return b""
            self._pending = chunk
        data, self._pending = self._pending[:want], self._pending[want:]
        return data

    def _next_chunk(self) -> bytes | None:
        while True:
            if self._current is None:
                if self._index >= len(self._parts):
                    return None
                self._current = self._open(self._parts[self._index])
            chunk = next(self._current, None)
            if chunk is not None:
                self._got += len(chunk)
                return chunk
            part = self._parts[self._index]
            if self._got != part.size:
                raise PartsInconsistent(f"staged part at {part.offset} holds {self._got} of {part.size} bytes")
            self._current, self._got = None, 0
            self._index += 1

    def _open(self, part: UploadPart) -> Iterator[bytes]:
        try:
            return self._store.open(part.object_key).iter_chunks()
        except ObjectNotFound as exc:
            raise PartsInconsistent(f"staged part at {part.offset} is missing") from exc


def remove_part(store: ObjectStore, key: str | None) -> None:
    if key is not None:
        _quietly(lambda: store.delete(key), key)


def remove_upload(store: ObjectStore, upload_id: uuid.UUID) -> None:
    """Every staged object of one upload, also those of PATCHes whose request died before the commit."""
    _quietly(lambda: store.delete_prefix(prefix_of(upload_id)), prefix_of(upload_id))


def _quietly(action: Callable[[], object], what: str) -> None:
    # Runs after a commit: the rows are already gone; what a storage outage leaves, the sweep removes.
    try:
        action()
    except StorageError as exc:
        log.warning("staged upload data not removed yet", extra={"key": what, "error": str(exc)})

"""Streaming ingest of one original file: hash, sniff and size-limit while the bytes flow to storage."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Protocol

from service.core.errors import BadRequest, KhoError, PayloadTooLarge, ServiceUnavailable, UnsupportedMedia
from storage.base import ObjectStore, StorageFull, StorageUnavailable
from transcoding.sniff import ALL_ACCEPTED, EXTENSIONS, HEAD_BYTES, KIND_TYPES, ExecutableContent, sniff

MiB = 1024 * 1024


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class StoredOriginal:
    key: str
    sha256: str
    size: int
    media_type: str


class _HashingLimitedReader:
    """Yields the pre-read head, then the rest; hashes and counts everything; stops at the limit."""

    def __init__(self, source: Readable, head: bytes, limit: int, kind: str) -> None:
        self._source = source
        self._pending = head
        self._limit = limit
        self._kind = kind
        self.sha = hashlib.sha256(head)
        self.size = len(head)

    def read(self, n: int = -1) -> bytes:
        if self._pending:
            data, self._pending = (self._pending, b"") if n < 0 or n >= len(self._pending) else (
                self._pending[:n], self._pending[n:])
            return data
        data = self._source.read(n if n > 0 else 1024 * 1024)
        if data:
            self.size += len(data)
            if self.size > self._limit:
                raise PayloadTooLarge(limit_mb=self._limit // MiB, kind=self._kind)
            self.sha.update(data)
        return data


def read_head(source: Readable, want: int = HEAD_BYTES) -> bytes:
    head = bytearray()
    while len(head) < want:
        chunk = source.read(want - len(head))
        if not chunk:
            break
        head += chunk
    return bytes(head)


def check_type(head: bytes, kind: str | None) -> str:
    """The sniffed media type, if `kind` accepts it (kind None: if any kind does)."""
    if not head:
        raise BadRequest("empty_file")
    try:
        media_type = sniff(head)
    except ExecutableContent:
        raise UnsupportedMedia("executable_content") from None
    accepted = KIND_TYPES.get(kind, frozenset()) if kind else ALL_ACCEPTED
    if media_type not in accepted:
        if any(media_type in types for types in KIND_TYPES.values()):
            raise UnsupportedMedia("kind_mismatch", media_type=media_type, kind=kind)
        raise UnsupportedMedia("unsupported_type", media_type=media_type)
    return media_type


def original_key(asset_id: uuid.UUID, version: int, media_type: str) -> str:
    h = asset_id.hex
    return f"originals/{h[:2]}/{h[2:4]}/{h}/v{version}{EXTENSIONS.get(media_type, '.bin')}"


def store_original(store: ObjectStore, source: Readable, *, kind: str | None, limit: int, asset_id: uuid.UUID,
                   version: int) -> StoredOriginal:
    """Sniff from the first bytes (refusing before storing anything), then stream the rest to storage.
    On any failure the store's atomic put leaves nothing behind."""
    head = read_head(source)
    media_type = check_type(head, kind)
    if len(head) > limit:
        raise PayloadTooLarge(limit_mb=limit // MiB, kind=kind or "?")
    reader = _HashingLimitedReader(source, head, limit, kind or "?")
    key = original_key(asset_id, version, media_type)
    try:
        store.put(key, reader, content_type=media_type)  # type: ignore[arg-type]
    except StorageUnavailable as exc:
        raise ServiceUnavailable("storage_unavailable") from exc
    except StorageFull as exc:
        raise KhoError("storage_full", status=507) from exc
    return StoredOriginal(key=key, sha256=reader.sha.hexdigest(), size=reader.size, media_type=media_type)

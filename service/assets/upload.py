"""Receiving an upload: the multipart body is streamed into storage (hashed, sniffed, size-limited on
the way), then the metadata is validated. Shared by new assets (`POST /assets`) and new versions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.from_thread
from pydantic import BaseModel
from sqlalchemy.orm import Session

from service.assets import qa_file
from service.assets import service as assets
from service.assets.ingest import StoredOriginal, store_original
from service.assets.multipart import MultipartStream, boundary_of
from service.assets.schemas import AssetCreate, AssetOut
from service.core.config import Settings
from service.core.errors import BadRequest, KhoError, PayloadTooLarge, UnsupportedMedia
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.inputs import models as inputs
from service.inputs.text import client_filename
from storage.base import ObjectStore
from transcoding.sniff import KIND_TYPES

M = TypeVar("M", bound=BaseModel)


BATCH_BYTES = 1024 * 1024


def sync_chunks(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """Pull the request body from the event loop into the worker thread. The server delivers ~64 KiB
    pieces; each hop between threads costs more than parsing them, so pieces are batched to ~1 MiB."""

    async def next_batch() -> bytes | None:
        parts: list[bytes] = []
        size = 0
        async for piece in stream:
            parts.append(piece)
            size += len(piece)
            if size >= BATCH_BYTES:
                break
        return b"".join(parts) if parts else None

    while (batch := anyio.from_thread.run(next_batch)) is not None:
        if batch:
            yield batch


def validate_model(model: type[M], raw: dict[str, Any]) -> M:
    return inputs.validate(model, raw)


def metadata_dict(fields: dict[str, str], loose: bool = True) -> dict[str, Any]:
    """The `metadata` JSON field, plus (when `loose`) any other form field as a top-level key."""
    raw = inputs.metadata_object(fields.get("metadata"))
    if loose:
        for name, value in fields.items():
            if name != "metadata":
                raw.setdefault(name, value)
    return raw


def declared_kind(fields: dict[str, str]) -> str | None:
    """The kind, if the metadata arrived before the file (then its size limit applies while reading)."""
    try:
        kind = fields.get("kind") or metadata_dict(fields, loose=False).get("kind")
    except KhoError:
        kind = None
    return kind if kind in KIND_TYPES else None


@dataclass
class Received:
    fields: dict[str, str]
    stored: StoredOriginal
    filename: str


def receive(chunks: Iterator[bytes], content_type: str, store: ObjectStore, settings: Settings, *,
            asset_id: uuid.UUID, version: int, kind_of: Callable[[dict[str, str]], str | None]) -> Received:
    """Stream the `file` part into storage; form fields before and after it are collected. On any error
    the stored bytes are deleted before the exception leaves."""
    stream = MultipartStream(chunks, boundary_of(content_type))
    fields: dict[str, str] = {}
    stored: StoredOriginal | None = None
    filename = ""
    try:
        while (part := stream.next_part()) is not None:
            if part.filename is None:
                fields[part.name] = part.read_all(1024 * 1024).decode("utf-8", "replace")
                continue
            if part.name != "file" or stored is not None:
                raise BadRequest("bad_multipart", reason=f"unexpected file field '{part.name}'")
            kind = kind_of(fields)
            limits = settings.limits
            limit = limits.upload_limits.get(kind, limits.max_upload_bytes) if kind else limits.max_upload_bytes
            filename = client_filename(part.filename)
            stored = store_original(store, part, kind=kind, limit=limit, asset_id=asset_id, version=version)
        if stored is None:
            raise BadRequest("missing_file")
    except BaseException:
        if stored is not None:
            store.delete(stored.key)
        raise
    return Received(fields, stored, filename)


def check_fits_kind(settings: Settings, store: ObjectStore, stored: StoredOriginal, kind: str,
                    filename: str) -> None:
    """What only the full file and the final metadata can tell: size limit, type, a readable Q&A set
    (ZIP and XML bombs included). Every way in (multipart, tus, bulk import) calls it before answering."""
    limits = settings.limits.upload_limits
    if kind not in limits or stored.size > limits[kind]:
        raise PayloadTooLarge(limit_mb=limits.get(kind, 0) // 2**20, kind=kind)
    if stored.media_type not in KIND_TYPES[kind]:
        raise UnsupportedMedia("kind_mismatch", media_type=stored.media_type, kind=kind)
    if kind == "qa_set":  # an unreadable Q&A file is refused now, naming the bad row, not later by a job
        qa_file.validate_stored_original(store, stored.key, stored.media_type, filename=filename)


def upload_new_asset(rt: Runtime, chunks: Iterator[bytes], content_type: str, principal: Principal,
                     session: Session) -> AssetOut:
    store = rt.store
    asset_id = uuid.uuid4()
    received = receive(chunks, content_type, store, rt.settings, asset_id=asset_id, version=1,
                       kind_of=declared_kind)
    try:
        meta = validate_model(AssetCreate, metadata_dict(received.fields))
        check_fits_kind(rt.settings, store, received.stored, meta.kind, received.filename)
        asset = assets.create_from_upload(session, store, principal, meta, received.stored, received.filename,
                                          asset_id)
        return assets.to_out(session, [asset])[0]
    except BaseException:
        store.delete(received.stored.key)  # the version row does not own the bytes yet
        raise

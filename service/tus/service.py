"""Resumable upload use cases. A completed upload enters the same ingest path as POST /api/v1/assets:
sniff + size limit while streaming to storage (`store_original`), then rows, dedup and the process job
(`create_from_upload`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from service.assets import service as assets
from service.assets.ingest import check_type, store_original
from service.assets.upload import check_fits_kind
from service.auth.principal import Principal
from service.config import get_settings
from service.db import after_commit, on_rollback, unit_of_work
from service.errors import BadRequest, Forbidden, KhoError, PayloadTooLarge
from service.inputs.text import client_filename
from service.models import Upload
from service.models.base import utcnow
from service.ops.settings import get_ops_settings
from service.tus import metadata, repository, staging
from service.tus.protocol import TusError
from transcoding.sniff import HEAD_BYTES

log = logging.getLogger("kho.tus")
MiB = 1024 * 1024


def staging_dir() -> Path:
    return get_settings().tmp_dir / "tus"


def ttl() -> timedelta:
    return timedelta(hours=get_ops_settings().tus_expiry_hours)


def create(session: Session, principal: Principal, *, length: int, fields: dict[str, str], raw_metadata: str) -> Upload:
    if principal.user_id is None:
        raise Forbidden()
    meta, filename = metadata.from_tus(fields)
    metadata.check_terms(session, meta)
    limit = get_settings().upload_limits.get(meta.kind, 0)
    if length == 0:
        raise BadRequest("empty_file")
    if length > limit:
        raise PayloadTooLarge(limit_mb=limit // MiB, kind=meta.kind)
    now = utcnow()
    cap = get_ops_settings().tus_max_open_per_user
    if repository.open_count(session, principal.user_id, now) >= cap:
        raise KhoError("tus_too_many", status=429, limit=cap)
    upload_id = uuid.uuid4()
    path = staging_dir() / f"{upload_id.hex}.part"
    upload = Upload(id=upload_id, user_id=principal.user_id, length=length, offset=0, staging_path=str(path),
                    upload_metadata={"raw": raw_metadata, "filename": filename,
                                     "asset": meta.model_dump(mode="json", exclude_none=True)},
                    expires_at=now + ttl())
    repository.add(session, upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    on_rollback(session, lambda: staging.remove(path))
    return upload


def get_owned(session: Session, principal: Principal, upload_id: uuid.UUID) -> Upload:
    upload = repository.get(session, upload_id)
    if upload is None or upload.user_id != principal.user_id:
        raise TusError("not_found", status=404, what="lượt tải lên / upload")
    if upload.completed_at is None and _aware(upload.expires_at) <= utcnow():
        raise TusError("not_found", status=410, what="lượt tải lên / upload")
    return upload


def append(session: Session, principal: Principal, upload_id: uuid.UUID, offset: int, checksum: bytes | None,
           chunks: Iterable[bytes]) -> Upload:
    upload = get_owned(session, principal, upload_id)
    if upload.completed_at is not None:
        raise TusError("tus_finished", status=409, headers={"Upload-Offset": str(upload.offset)})
    if offset != upload.offset:
        raise TusError("tus_offset_mismatch", status=409, offset=upload.offset,
                       headers={"Upload-Offset": str(upload.offset)})
    path = Path(upload.staging_path)
    try:
        handle = staging.open_locked(path)
    except staging.StagingBusy:
        raise TusError("tus_busy", status=423) from None
    # The lock is held until the transaction ends, so no other PATCH sees the old offset meanwhile.
    after_commit(session, handle.close)
    on_rollback(session, handle.close)
    length = upload.length or 0
    try:
        appended = staging.append(handle, offset, chunks, length - offset)
    except staging.ChunkTooLong:
        raise TusError("tus_exceeds_length", status=413) from None
    if checksum is not None and appended.sha1 != checksum:
        staging.cut_back(handle, offset)
        raise TusError("tus_checksum_mismatch", status=460)
    new = offset + appended.size
    if not repository.advance(session, upload.id, offset, new, utcnow() + ttl()):
        raise TusError("tus_offset_mismatch", status=409, offset=offset)
    upload.offset = new
    _ingest_or_discard(session, principal, upload, offset)
    return upload


def _ingest_or_discard(session: Session, principal: Principal, upload: Upload, old_offset: int) -> None:
    """Refuse a wrong type as soon as the first bytes are in; ingest once the last byte is.
    A refusal (4xx) ends the upload; an outage (5xx) rolls back, and the client retries the chunk."""
    length = upload.length or 0
    try:
        if old_offset < HEAD_BYTES <= upload.offset or (old_offset < HEAD_BYTES and upload.offset == length):
            check_type(staging.read_head(Path(upload.staging_path), HEAD_BYTES),
                       str(upload.upload_metadata["asset"]["kind"]))
        if upload.offset == length:
            _ingest(session, principal, upload)
    except KhoError as exc:
        if exc.status >= 500:
            raise
        # Leave the failed request's transaction first: SQLite allows one writer at a time.
        session.rollback()
        discard(upload.id, Path(upload.staging_path))
        raise


def _ingest(session: Session, principal: Principal, upload: Upload) -> None:
    from service.runtime import get_store

    meta = metadata.asset_meta(dict(upload.upload_metadata["asset"]))
    settings = get_settings()
    store = get_store()
    asset_id = uuid.uuid4()
    path = Path(upload.staging_path)
    with path.open("rb") as source:
        stored = store_original(store, source, kind=meta.kind, limit=settings.upload_limits[meta.kind],
                                asset_id=asset_id, version=1)
    filename = client_filename(str(upload.upload_metadata.get("filename") or ""))
    asset = assets.create_from_upload(session, store, principal, meta, stored, filename, asset_id)
    check_fits_kind(store, stored, meta.kind, filename)  # after: the rollback now deletes the stored bytes
    upload.asset_id = asset.id
    upload.completed_at = utcnow()
    after_commit(session, lambda: staging.remove(path))
    log.info("tus upload complete", extra={"upload_id": str(upload.id), "asset_id": str(asset.id),
                                           "bytes": stored.size})


def discard(upload_id: uuid.UUID, path: Path) -> None:
    with unit_of_work() as session:
        repository.remove(session, upload_id)
    staging.remove(path)


def terminate(session: Session, principal: Principal, upload_id: uuid.UUID) -> None:
    upload = get_owned(session, principal, upload_id)
    path = Path(upload.staging_path)
    if upload.completed_at is None and path.exists():
        try:
            handle = staging.open_locked(path)
        except staging.StagingBusy:
            raise TusError("tus_busy", status=423) from None
        after_commit(session, handle.close)
        on_rollback(session, handle.close)
    repository.remove(session, upload.id)
    after_commit(session, lambda: staging.remove(path))


def expire(now: datetime | None = None) -> int:
    """Remove expired partial uploads, day-old finished ones, and staging files no row knows."""
    now = now or utcnow()
    removed = 0
    with unit_of_work() as session:
        for upload in repository.expired(session, now, now - timedelta(days=1)):
            staging.remove(Path(upload.staging_path))
            repository.remove(session, upload.id)
            removed += 1
        known = repository.staging_paths(session)
    folder = staging_dir()
    cutoff = (now - ttl()).timestamp()
    for path in folder.glob("*.part") if folder.exists() else []:
        if str(path) not in known and path.stat().st_mtime < cutoff:
            staging.remove(path)
            removed += 1
    return removed


def _aware(at: datetime) -> datetime:
    from datetime import UTC

    return at if at.tzinfo else at.replace(tzinfo=UTC)

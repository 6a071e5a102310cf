"""Resumable upload use cases. A completed upload enters the same ingest path as POST /api/v1/assets:
sniff + size limit while streaming to storage (`store_original`), then rows, dedup and the process job
(`create_from_upload`).

Nothing is kept on the API host: each PATCH is a staged object (`staging`), the row's offset moves by
compare-and-set together with the part's row, and completion assembles the parts into the original
while hashing, checking length and the client's SHA-256 before any asset row exists."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from service.assets import service as assets
from service.assets.ingest import StoredOriginal, check_type, read_head, store_original
from service.assets.upload import check_fits_kind
from service.core.config import Settings
from service.core.db import after_commit, on_rollback, unit_of_work
from service.core.errors import BadRequest, Forbidden, KhoError, PayloadTooLarge
from service.core.runtime import Runtime, session_runtime
from service.identity.principal import Principal
from service.inputs.text import client_filename
from service.models import Upload
from service.models.base import utcnow
from service.tus import metadata, repository, staging
from service.tus.protocol import TusError
from storage.base import ObjectStore
from transcoding.sniff import HEAD_BYTES

log = logging.getLogger("kho.tus")
MiB = 1024 * 1024
# A staged object no row refers to is a PATCH whose request died before its commit (or after its
# upload was removed); one that young may still be on its way to its commit.
STAGED_ORPHAN_AGE = timedelta(hours=1)
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def ttl(settings: Settings) -> timedelta:
    return timedelta(hours=settings.limits.tus_expiry_hours)


def create(session: Session, settings: Settings, principal: Principal, *,
           length: int, fields: dict[str, str], raw_metadata: str) -> Upload:
    if principal.user_id is None:
        raise Forbidden()
    meta, filename = metadata.from_tus(fields)
    metadata.check_terms(session, meta)
    limit = settings.limits.upload_limits.get(meta.kind, 0)
    if length == 0:
        raise BadRequest("empty_file")
    if length > limit:
        raise PayloadTooLarge(limit_mb=limit // MiB, kind=meta.kind)
    now = utcnow()
    cap = settings.limits.tus_max_open_per_user
    if repository.open_count(session, principal.user_id, now) >= cap:
        raise KhoError("tus_too_many", status=429, limit=cap)
    upload_id = uuid.uuid4()
    upload = Upload(id=upload_id, user_id=principal.user_id, length=length, offset=0,
                    staging_prefix=staging.prefix_of(upload_id),
                    upload_metadata={"raw": raw_metadata, "filename": filename, "sha256": _client_sha256(fields),
                                     "asset": meta.model_dump(mode="json", exclude_none=True)},
                    expires_at=now + ttl(settings))
    repository.add(session, upload)
    return upload


def _client_sha256(fields: dict[str, str]) -> str | None:
    """The whole file's SHA-256 a client may announce in Upload-Metadata (`sha256`, hex)."""
    value = fields.get("sha256", "").strip().lower()
    if value and not SHA256_HEX.fullmatch(value):
        raise TusError("tus_bad_header", status=400, reason="metadata sha256 must be 64 hexadecimal digits")
    return value or None


def get_owned(session: Session, principal: Principal, upload_id: uuid.UUID) -> Upload:
    upload = repository.get(session, upload_id)
    if upload is None or upload.user_id != principal.user_id:
        raise TusError("not_found", status=404, what="lượt tải lên / upload")
    if upload.completed_at is None and _aware(upload.expires_at) <= utcnow():
        raise TusError("not_found", status=410, what="lượt tải lên / upload")
    return upload


def append(session: Session, rt: Runtime, principal: Principal, upload_id: uuid.UUID, offset: int,
           checksum: bytes | None, chunks: Iterable[bytes]) -> Upload:
    upload = get_owned(session, principal, upload_id)
    if upload.completed_at is not None:
        raise TusError("tus_finished", status=409, headers={"Upload-Offset": str(upload.offset)})
    if offset != upload.offset:
        raise _mismatch(upload.offset)
    store = rt.store
    try:
        part = staging.put_part(store, upload.id, offset, chunks, (upload.length or 0) - offset)
    except staging.ChunkTooLong:
        raise TusError("tus_exceeds_length", status=413) from None
    # Whatever fails from here on (checksum, a lost race, the commit), the staged object goes too.
    on_rollback(session, lambda: staging.remove_part(store, part.key))
    if checksum is not None and part.sha1 != checksum:
        raise TusError("tus_checksum_mismatch", status=460)
    if part.key is None:
        return upload
    new = offset + part.size
    # Another host's PATCH for the same offset may have committed while these bytes were streaming.
    if not repository.advance(session, upload.id, offset, new, utcnow() + ttl(rt.settings)):
        current = repository.current_offset(session, upload.id)
        if current is None:
            raise TusError("not_found", status=404, what="lượt tải lên / upload")
        raise _mismatch(current)
    repository.add_part(session, upload.id, offset, part.size, part.key)
    upload.offset = new
    _ingest_or_discard(session, rt.settings, principal, store, upload, offset)
    return upload


def _mismatch(current: int) -> TusError:
    return TusError("tus_offset_mismatch", status=409, offset=current, headers={"Upload-Offset": str(current)})


def _ingest_or_discard(session: Session, settings: Settings, principal: Principal, store: ObjectStore, upload: Upload,
                       old_offset: int) -> None:
    """Refuse a wrong type as soon as the first bytes are in; ingest once the last byte is.
    A refusal (4xx) ends the upload; an outage (5xx) rolls back, and the client retries the chunk."""
    length = upload.length or 0
    try:
        if old_offset < HEAD_BYTES <= upload.offset or (old_offset < HEAD_BYTES and upload.offset == length):
            head = read_head(staging.PartsReader(store, repository.parts(session, upload.id)), HEAD_BYTES)
            check_type(head, str(upload.upload_metadata["asset"]["kind"]))
        if upload.offset == length:
            _ingest(session, settings, principal, store, upload)
    except staging.PartsInconsistent as exc:
        log.error("tus upload lost staged data", extra={"upload_id": str(upload.id), "error": str(exc)})
        _discard_after_failure(session, store, upload)
        raise TusError("tus_staging_lost", status=409) from exc
    except KhoError as exc:
        if exc.status >= 500:
            raise
        _discard_after_failure(session, store, upload)
        raise


def _discard_after_failure(session: Session, store: ObjectStore, upload: Upload) -> None:
    # Leave the failed request's transaction first: SQLite allows one writer at a time.
    session.rollback()
    discard(session_runtime(session), upload.id)


def _ingest(session: Session, settings: Settings, principal: Principal, store: ObjectStore, upload: Upload) -> None:
    meta = metadata.asset_meta(dict(upload.upload_metadata["asset"]))
    asset_id = uuid.uuid4()
    source = staging.PartsReader(store, repository.parts(session, upload.id))
    stored = store_original(store, source, kind=meta.kind, limit=settings.limits.upload_limits[meta.kind],
                            asset_id=asset_id, version=1)
    _verify(store, upload, stored)
    filename = client_filename(str(upload.upload_metadata.get("filename") or ""))
    asset = assets.create_from_upload(session, store, principal, meta, stored, filename, asset_id)
    check_fits_kind(settings, store, stored, meta.kind, filename)  # after: the rollback now deletes the stored bytes
    upload.asset_id = asset.id
    upload.completed_at = utcnow()
    repository.remove_parts(session, upload.id)
    after_commit(session, lambda: staging.remove_upload(store, upload.id))
    log.info("tus upload complete", extra={"upload_id": str(upload.id), "asset_id": str(asset.id),
                                           "bytes": stored.size})


def _verify(store: ObjectStore, upload: Upload, stored: StoredOriginal) -> None:
    """The assembled original must be exactly what the client declared, before any asset row exists."""
    expected = upload.upload_metadata.get("sha256")
    if stored.size != upload.length or (expected and stored.sha256 != expected):
        store.delete(stored.key)
        log.error("tus upload assembled wrong", extra={"upload_id": str(upload.id), "size": stored.size,
                                                       "length": upload.length, "sha256": stored.sha256})
        if stored.size != upload.length:
            raise TusError("tus_staging_lost", status=409)
        raise TusError("tus_upload_checksum_mismatch", status=460)


def discard(rt: Runtime, upload_id: uuid.UUID) -> None:
    with unit_of_work(rt.sessionmaker) as session:
        repository.remove(session, upload_id)
    staging.remove_upload(rt.store, upload_id)


def terminate(session: Session, store: ObjectStore, principal: Principal, upload_id: uuid.UUID) -> None:
    upload = get_owned(session, principal, upload_id)
    repository.remove(session, upload.id)
    after_commit(session, lambda: staging.remove_upload(store, upload_id))


def expire(rt: Runtime, now: datetime | None = None) -> int:
    """Remove expired partial uploads, day-old finished ones, and staged objects no row knows."""
    now = now or utcnow()
    removed = 0
    store = rt.store
    with unit_of_work(rt.sessionmaker) as session:
        gone = [upload.id for upload in repository.expired(session, now, now - timedelta(days=1))]
        for upload_id in gone:
            repository.remove(session, upload_id)
    for upload_id in gone:
        staging.remove_upload(store, upload_id)
        removed += 1
    return removed + remove_orphan_parts(rt, now)


def remove_orphan_parts(rt: Runtime, now: datetime) -> int:
    store = rt.store
    with unit_of_work(rt.sessionmaker) as session:
        known = repository.staged_keys(session)
    cutoff = now - STAGED_ORPHAN_AGE
    orphans = [stat.key for stat in store.list(staging.STAGING_ROOT)
               if stat.key not in known and stat.modified < cutoff]
    for key in orphans:
        staging.remove_part(store, key)
    return len(orphans)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)

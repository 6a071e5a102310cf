"""SQL of resumable uploads."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.models import Upload, UploadPart


def add(session: Session, upload: Upload) -> None:
    session.add(upload)
    session.flush()


def get(session: Session, upload_id: uuid.UUID) -> Upload | None:
    return session.get(Upload, upload_id)


def open_count(session: Session, user_id: uuid.UUID, now: datetime) -> int:
    q = select(func.count()).select_from(Upload).where(
        Upload.user_id == user_id, Upload.completed_at.is_(None), Upload.expires_at > now)
    return int(session.scalar(q) or 0)


def advance(session: Session, upload_id: uuid.UUID, old: int, new: int, expires_at: datetime) -> bool:
    """Move the offset only if nobody else moved it meanwhile (compare-and-set)."""
    result = session.execute(update(Upload).where(Upload.id == upload_id, Upload.offset == old)
                             .values(offset=new, expires_at=expires_at).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)


def current_offset(session: Session, upload_id: uuid.UUID) -> int | None:
    """The committed offset as the database has it now (not as this session first read it)."""
    return session.scalar(select(Upload.offset).where(Upload.id == upload_id).execution_options(
        populate_existing=True))


def remove(session: Session, upload_id: uuid.UUID) -> None:
    remove_parts(session, upload_id)
    session.execute(delete(Upload).where(Upload.id == upload_id))


def add_part(session: Session, upload_id: uuid.UUID, offset: int, size: int, object_key: str) -> None:
    session.add(UploadPart(upload_id=upload_id, offset=offset, size=size, object_key=object_key))
    session.flush()


def parts(session: Session, upload_id: uuid.UUID) -> list[UploadPart]:
    q = select(UploadPart).where(UploadPart.upload_id == upload_id).order_by(UploadPart.offset)
    return list(session.scalars(q))


def remove_parts(session: Session, upload_id: uuid.UUID) -> None:
    session.execute(delete(UploadPart).where(UploadPart.upload_id == upload_id))


def expired(session: Session, now: datetime, completed_before: datetime, limit: int = 500) -> list[Upload]:
    q = select(Upload).where(
        ((Upload.completed_at.is_(None)) & (Upload.expires_at <= now)) | (Upload.completed_at <= completed_before)
    ).limit(limit)
    return list(session.scalars(q))


def staged_keys(session: Session) -> set[str]:
    """Every staged object a row still refers to."""
    return set(session.scalars(select(UploadPart.object_key)))

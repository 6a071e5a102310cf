"""SQL of resumable uploads."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.models import Upload


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


def remove(session: Session, upload_id: uuid.UUID) -> None:
    session.execute(delete(Upload).where(Upload.id == upload_id))


def expired(session: Session, now: datetime, completed_before: datetime, limit: int = 500) -> list[Upload]:
    q = select(Upload).where(
        ((Upload.completed_at.is_(None)) & (Upload.expires_at <= now)) | (Upload.completed_at <= completed_before)
    ).limit(limit)
    return list(session.scalars(q))


def staging_paths(session: Session) -> set[str]:
    return set(session.scalars(select(Upload.staging_path)))

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.models import AuthToken, Organisation, User
from service.models.base import utcnow


def get_with_org(session: Session, user_id: uuid.UUID) -> tuple[User, Organisation] | None:
    row = session.execute(select(User, Organisation).join(Organisation, Organisation.id == User.organisation_id)
                          .where(User.id == user_id)).first()
    return (row[0], row[1]) if row else None


def in_subtree(session: Session, path: str, role: str | None, organisation_id: uuid.UUID | None,
               limit: int) -> list[User]:
    q = select(User).join(Organisation, Organisation.id == User.organisation_id).where(
        Organisation.path.startswith(path))
    if role:
        q = q.where(User.role == role)
    if organisation_id:
        q = q.where(User.organisation_id == organisation_id)
    return list(session.scalars(q.order_by(User.email).limit(limit)))


def revoke_tokens(session: Session, user_id: uuid.UUID) -> None:
    """A deactivated or demoted user signs in again: their sessions and bearer tokens end now."""
    session.execute(update(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def flush(session: Session) -> None:
    session.flush()


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin")) or 0

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Rendition


def replace(session: Session, version_id: uuid.UUID, profiles: set[str], rows: list[Rendition]) -> list[Rendition]:
    """Swap the renditions of the given profiles in one go; returns the rows replaced (their objects go)."""
    old = list(session.scalars(select(Rendition).where(Rendition.version_id == version_id,
                                                       Rendition.profile.in_(profiles))))
    for row in old:
        session.delete(row)
    session.flush()
    session.add_all(rows)
    session.flush()
    return old


def of_version(session: Session, version_id: uuid.UUID) -> list[Rendition]:
    return list(session.scalars(select(Rendition).where(Rendition.version_id == version_id)
                                .order_by(Rendition.profile, Rendition.variant)))

"""The Q&A item rows of a version."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.models import QaItem


def delete_items(session: Session, version_id: uuid.UUID) -> None:
    session.execute(delete(QaItem).where(QaItem.version_id == version_id))


def items_of(session: Session, version_id: uuid.UUID) -> list[QaItem]:
    query = select(QaItem).where(QaItem.version_id == version_id).order_by(QaItem.position)
    return list(session.scalars(query))

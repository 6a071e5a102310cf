"""Transactional outbox: events are rows written in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from service.models import OutboxEvent
from service.models.base import utcnow

OUTBOX: Table = OutboxEvent.__table__  # type: ignore[assignment]


def emit(session: Session, topic: str, **payload: Any) -> None:
    """Inserted at once by a plain statement in the session's transaction (no ORM object to track and flush:
    a newsroom page, whose only write is its usage event, spent more on that flush than on the insert).
    Events of one transaction keep the order they were emitted in."""
    now = utcnow()
    session.execute(insert(OUTBOX), [{
        "topic": topic, "created_at": now, "available_at": now, "attempts": 0,
        "payload": {k: str(v) if not isinstance(v, (int, float, bool, list, dict, type(None))) else v
                    for k, v in payload.items()}}])

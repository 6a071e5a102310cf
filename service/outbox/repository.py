"""The outbox table's statements: the insert of an event and the two ways of reading pending ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from service.models import OutboxEvent
from service.models.base import utcnow

OUTBOX: Table = OutboxEvent.__table__  # type: ignore[assignment]


def insert_event(session: Session, topic: str, payload: dict[str, Any]) -> None:
    """A plain statement in the session's transaction (no ORM object to track and flush: a newsroom page,
    whose only write is its usage event, spent more on that flush than on the insert)."""
    now = utcnow()
    session.execute(insert(OUTBOX), [{"topic": topic, "created_at": now, "available_at": now, "attempts": 0,
                                      "payload": payload}])


def _locking(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def due(session: Session, limit: int) -> list[OutboxEvent]:
    """Pending events whose time has come, oldest first. PostgreSQL: locked and skipped by other workers, so
    several drain in parallel without double delivery."""
    q = (select(OutboxEvent).where(OutboxEvent.processed_at.is_(None), OutboxEvent.available_at <= utcnow())
         .order_by(OutboxEvent.id).limit(limit))
    if _locking(session):
        q = q.with_for_update(skip_locked=True)
    return list(session.scalars(q))


def pending_of_topic(session: Session, topic: str) -> list[OutboxEvent]:
    """Every pending event of one topic, due or backing off. PostgreSQL: locked, waiting for a pump that
    holds one (once it commits, the event is no longer pending)."""
    q = (select(OutboxEvent).where(OutboxEvent.processed_at.is_(None), OutboxEvent.topic == topic)
         .order_by(OutboxEvent.id))
    if _locking(session):
        q = q.with_for_update()
    return list(session.scalars(q))

"""Transactional outbox: events are rows written in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.models import OutboxEvent


def emit(session: Session, topic: str, **payload: Any) -> None:
    session.add(OutboxEvent(topic=topic, payload={k: str(v) if not isinstance(v, (int, float, bool, list, dict,
                                                                                   type(None))) else v
                                                  for k, v in payload.items()}))

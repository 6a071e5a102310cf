"""Transactional outbox: events are rows written in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.outbox import repository


def emit(session: Session, topic: str, **payload: Any) -> None:
    """Inserted at once in the session's transaction; events of one transaction keep the order they were
    emitted in. Values that are not JSON (ids, dates) are stored as text."""
    repository.insert_event(session, topic, {
        k: str(v) if not isinstance(v, (int, float, bool, list, dict, type(None))) else v
        for k, v in payload.items()})

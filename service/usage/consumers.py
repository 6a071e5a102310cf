"""Usage written behind the request: a newsroom page's pull arrives as one outbox event (`usage.pulled`)
and is expanded here into its usage events and daily claims, by the one writer every usage path shares.

Exactly once: the rows are written in the outbox pump's transaction, inside the savepoint of this event, and
commit together with the event's processed mark (a failing consumer rolls both back and the event is
retried). Two pumps never both commit an event: PostgreSQL locks it (FOR UPDATE SKIP LOCKED), SQLite has
one writer and fails a transaction whose snapshot is stale. The withdrawal settles pending pulls itself
before it lists who took the asset (`service.outbox.pump.settle`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.usage import repository

TOPIC = "usage.pulled"


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def expand_pull(session: Session, payload: dict[str, Any]) -> None:
    """One usage event per (asset, version) of the page, at the pull's own instant (its day stays the day
    the client pulled, however late the pump runs)."""
    pull = {"at": datetime.fromisoformat(payload["at"]), "kind": payload["kind"], "channel": payload["channel"],
            "organisation_id": _uuid(payload["organisation_id"]), "user_id": _uuid(payload["user_id"]),
            "api_client_id": _uuid(payload["api_client_id"]), "rendition_id": None, "profile": None,
            "bytes_sent": None}
    repository.insert_many(session, [{**pull, "asset_id": uuid.UUID(a), "version_id": _uuid(v)}
                                     for a, v in payload["items"]])

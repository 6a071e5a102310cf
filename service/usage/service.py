"""Recording usage: downloads, API pulls, feed fetches and webhook deliveries (see buffer.py for why
the write is deferred)."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.models import Rendition
from service.models.base import utcnow
from service.usage import repository
from service.usage.buffer import BUFFER

UsageKind = Literal["download", "api_pull", "feed_fetch", "webhook_delivery"]


def record(kind: UsageKind, principal: Principal | None, *, asset_id: uuid.UUID | None = None,
           version_id: uuid.UUID | None = None, rendition: Rendition | None = None,
           profile: str | None = None,
           channel: str | None = None, bytes_sent: int | None = None,
           organisation_id: uuid.UUID | None = None, api_client_id: uuid.UUID | None = None) -> None:
    BUFFER.add({
        "at": utcnow(), "kind": kind, "asset_id": asset_id,
        "version_id": version_id or (rendition.version_id if rendition else None),
        "rendition_id": rendition.id if rendition else None,
        "profile": profile or (rendition.profile if rendition else None), "channel": channel,
        "organisation_id": organisation_id or (principal.organisation_id if principal else None),
        "user_id": principal.user_id if principal else None,
        "api_client_id": api_client_id or (principal.client_id if principal else None),
        "bytes_sent": bytes_sent,
    })


def flush() -> int:
    return BUFFER.flush()


def downloaders_of(session: Session, asset_id: uuid.UUID) -> list[repository.Downloader]:
    return repository.downloaders_of(session, asset_id)

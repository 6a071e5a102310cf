"""Recording usage: downloads, API pulls, feed fetches and webhook deliveries. One writer
(`repository.insert_many`), always in a transaction that commits or rolls back with the request that caused
the use, so a committed request never loses it and a rolled-back one never counts. A single use is written
as its row; a newsroom page (up to 200 items) is written as one outbox event that the pump expands into its
rows with the same writer (`service.usage.consumers`): one small insert in the request instead of 2×50 rows,
and on SQLite a shorter hold of the single write lock."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy.orm import Session

from service.core.db import before_commit
from service.identity.principal import Principal
from service.models import Rendition
from service.models.base import utcnow
from service.outbox import events as outbox
from service.outbox.pump import settle
from service.usage import consumers, repository

UsageKind = Literal["download", "api_pull", "feed_fetch", "webhook_delivery"]


def record(kind: UsageKind, principal: Principal | None, *, session: Session,
           asset_id: uuid.UUID | None = None, version_id: uuid.UUID | None = None, rendition: Rendition | None = None,
           profile: str | None = None,
           channel: str | None = None, bytes_sent: int | None = None,
           organisation_id: uuid.UUID | None = None, api_client_id: uuid.UUID | None = None) -> None:
    row = _row(kind, principal, asset_id=asset_id, version_id=version_id, rendition=rendition, profile=profile,
               channel=channel, bytes_sent=bytes_sent, organisation_id=organisation_id, api_client_id=api_client_id)
    repository.insert_many(session, [row])


def record_pulled(kind: UsageKind, principal: Principal | None, session: Session,
                  items: list[tuple[str, str | None]], channel: str) -> None:
    """One event per (asset, version) of a page a client pulled, recorded as one outbox row in the request's
    transaction and expanded by the pump (`consumers.expand_pull`). The events of one pull share its
    instant (and so its day). The ids come in hex, as the outbox row holds them (the newsroom keeps them
    beside each built item: 100 UUID → hex conversions a page otherwise)."""
    if not items:
        return
    pull = {"at": utcnow().isoformat(), "kind": kind, "channel": channel,
            "organisation_id": _hex(principal.organisation_id if principal else None),
            "user_id": _hex(principal.user_id if principal else None),
            "api_client_id": _hex(principal.client_id if principal else None),
            "items": [[a, v] for a, v in items]}
    # Written as the transaction's last statement (a read-only request otherwise holds no write lock at all).
    before_commit(session, lambda s: outbox.emit(s, consumers.TOPIC, **pull))


def settle_pulls(session: Session) -> None:
    """Expand the pulls still waiting in the outbox now, in the caller's transaction: a withdrawal lists
    (and notifies) every newsroom that took the asset, including one that pulled it a moment ago."""
    settle(session, consumers.TOPIC)


def _hex(value: uuid.UUID | None) -> str | None:
    return value.hex if value else None


def _row(kind: UsageKind, principal: Principal | None, *, asset_id: uuid.UUID | None = None,
         version_id: uuid.UUID | None = None, rendition: Rendition | None = None, profile: str | None = None,
         channel: str | None = None, bytes_sent: int | None = None, organisation_id: uuid.UUID | None = None,
         api_client_id: uuid.UUID | None = None) -> dict[str, object]:
    return {
        "at": utcnow(), "kind": kind, "asset_id": asset_id,
        "version_id": version_id or (rendition.version_id if rendition else None),
        "rendition_id": rendition.id if rendition else None,
        "profile": profile or (rendition.profile if rendition else None), "channel": channel,
        "organisation_id": organisation_id or (principal.organisation_id if principal else None),
        "user_id": principal.user_id if principal else None,
        "api_client_id": api_client_id or (principal.client_id if principal else None),
        "bytes_sent": bytes_sent,
    }


def downloaders_of(session: Session, asset_id: uuid.UUID) -> list[repository.Downloader]:
    return repository.downloaders_of(session, asset_id)


def record_many(kind: UsageKind, principal: Principal | None, session: Session, uses: list[dict[str, Any]]) -> None:
    """Several uses made by one request (the files of a kit) in one write, whatever their number. Each use
    names the fields `record` takes (asset_id, version_id, rendition, profile, channel, bytes_sent)."""
    if uses:
        repository.insert_many(session, [_row(kind, principal, **use) for use in uses])

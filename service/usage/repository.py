"""Usage-event SQL: the bulk insert used by the buffer (and test seeding) and the follow-up queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from service.models import Organisation, UsageEvent

DOWNLOAD_KINDS = ("download", "api_pull")


def insert_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany (batched VALUES on PostgreSQL): ~100k rows/s, no ORM objects."""
    if rows:
        session.execute(insert(UsageEvent), rows)


@dataclass(frozen=True)
class Downloader:
    organisation_id: uuid.UUID
    code: str
    name: str
    downloads: int
    last_at: datetime


def downloaders_of(session: Session, asset_id: uuid.UUID) -> list[Downloader]:
    """Organisations that downloaded or pulled the asset, most recent first (for withdrawal follow-up)."""
    q = (select(Organisation.id, Organisation.code, Organisation.name, func.count(UsageEvent.id),
                func.max(UsageEvent.at))
         .join(Organisation, Organisation.id == UsageEvent.organisation_id)
         .where(UsageEvent.asset_id == asset_id, UsageEvent.kind.in_(DOWNLOAD_KINDS))
         .group_by(Organisation.id, Organisation.code, Organisation.name)
         .order_by(func.max(UsageEvent.at).desc()))
    return [Downloader(org_id, code, name, int(n), last)
            for org_id, code, name, n, last in session.execute(q)]


def count(session: Session, *, kind: str | None = None, asset_id: uuid.UUID | None = None,
          api_client_id: uuid.UUID | None = None) -> int:
    q = select(func.count(UsageEvent.id))
    if kind:
        q = q.where(UsageEvent.kind == kind)
    if asset_id:
        q = q.where(UsageEvent.asset_id == asset_id)
    if api_client_id:
        q = q.where(UsageEvent.api_client_id == api_client_id)
    return int(session.scalar(q) or 0)

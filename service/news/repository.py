"""Newsroom queries. Live items come through `service.assets.policy.live_filter`; withdrawn items are
returned only as tombstones (id, time, status) so a syncing client learns to take them down."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, defer

from service.assets.policy import live_filter
from service.models import Asset, Organisation, Rendition, Version

TOMBSTONE_STATUSES = ("withdrawn",)


def _syncable(now: datetime, with_tombstones: bool) -> ColumnElement[bool]:
    live = live_filter(now)
    if not with_tombstones:
        return live
    return or_(live, and_(Asset.status.in_(TOMBSTONE_STATUSES), Asset.published_at.is_not(None)))


def page(session: Session, now: datetime, *, updated_since: datetime | None, after: tuple[datetime, uuid.UUID] | None,
         limit: int, kind: str | None = None, text: str | None = None) -> list[Asset]:
    """Oldest change first (a client resumes from its last cursor); ties broken by id."""
    q = select(Asset).where(_syncable(now, with_tombstones=updated_since is not None))
    if updated_since is not None:
        q = q.where(Asset.edited_at > updated_since)
    if kind:
        q = q.where(Asset.kind == kind)
    if text:
        pattern = f"%{text.lower()}%"
        q = q.where(or_(func.lower(Asset.title).like(pattern), func.lower(Asset.summary).like(pattern)))
    if after:
        q = q.where(or_(Asset.edited_at > after[0], and_(Asset.edited_at == after[0], Asset.id > after[1])))
    return list(session.scalars(q.order_by(Asset.edited_at, Asset.id).limit(limit)))


def by_ids_live(session: Session, now: datetime, ids: list[uuid.UUID]) -> list[Asset]:
    if not ids:
        return []
    rows = {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_(ids), live_filter(now)))}
    return [rows[i] for i in ids if i in rows]


def get_live(session: Session, now: datetime, asset_id: uuid.UUID) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.id == asset_id, live_filter(now)))


def get_any(session: Session, asset_id: uuid.UUID) -> Asset | None:
    return session.get(Asset, asset_id)


def versions(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Version]:
    if not ids:
        return {}
    # Items never show a version's OCR text or pending proposal: not read (they can be long).
    q = select(Version).where(Version.id.in_(ids)).options(defer(Version.extracted_text), defer(Version.proposed))
    return {v.id: v for v in session.scalars(q)}


def renditions(session: Session, version_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Rendition]]:
    out: dict[uuid.UUID, list[Rendition]] = {v: [] for v in version_ids}
    if not version_ids:
        return out
    q = (select(Rendition).where(Rendition.version_id.in_(version_ids)).options(defer(Rendition.extra))
         .order_by(Rendition.profile, Rendition.variant))
    for r in session.scalars(q):
        out[r.version_id].append(r)
    return out


def rendition(session: Session, version_id: uuid.UUID, profile: str, variant: str | None) -> Rendition | None:
    q = select(Rendition).where(Rendition.version_id == version_id, Rendition.profile == profile)
    if variant:
        q = q.where(Rendition.variant == variant)
    return session.scalars(q.order_by(Rendition.size.desc()).limit(1)).first()


def organisations(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(set(ids))))}

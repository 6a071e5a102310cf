"""Feed queries: live assets (service.assets.policy.live_filter) and recently withdrawn ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.assets.policy import live_filter
from service.models import Asset, AssetTerm, Organisation, Version, VocabularyTerm


@dataclass(frozen=True)
class FeedFilter:
    topic: str | None = None
    audience: str | None = None
    org_code: str | None = None
    kind: str | None = None


def _filtered(session: Session, q: Select[Asset], f: FeedFilter) -> Select[Asset]:
    for vocabulary, code in (("topic", f.topic), ("audience", f.audience)):
        if code:
            q = q.where(Asset.id.in_(select(AssetTerm.asset_id)
                                     .join(VocabularyTerm, VocabularyTerm.id == AssetTerm.term_id)
                                     .where(VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code)))
    if f.org_code:
        path = session.scalar(select(Organisation.path).where(Organisation.code == f.org_code)) or "/none/"
        q = q.where(Asset.owner_org_id.in_(select(Organisation.id).where(Organisation.path.startswith(path))))
    if f.kind:
        q = q.where(Asset.kind == f.kind)
    return q


def live(session: Session, now: datetime, f: FeedFilter, limit: int) -> list[Asset]:
    q = _filtered(session, select(Asset).where(live_filter(now)), f)
    return list(session.scalars(q.order_by(Asset.published_at.desc(), Asset.id).limit(limit)))


def withdrawn_since(session: Session, since: datetime, f: FeedFilter, limit: int) -> list[Asset]:
    q = select(Asset).where(Asset.status == "withdrawn", Asset.published_at.is_not(None), Asset.edited_at >= since)
    q = _filtered(session, q, f)
    return list(session.scalars(q.order_by(Asset.edited_at.desc()).limit(limit)))


def org_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None


def current_version(session: Session, asset: Asset) -> Version | None:
    return session.get(Version, asset.current_version_id) if asset.current_version_id else None

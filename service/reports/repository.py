"""Report aggregates, all computed in SQL over one organisation subtree and one period."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from service.models import Asset, AssetTerm, Organisation, ReportTarget, UsageEvent, Version, VocabularyTerm


def subtree_orgs(session: Session, path: str) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.path.startswith(path))
                                .order_by(Organisation.path)))


def products_by_kind(session: Session, path: str, start: datetime, end: datetime) -> dict[str, int]:
    q = (select(Asset.kind, func.count(Asset.id))
         .join(Organisation, Organisation.id == Asset.owner_org_id)
         .where(Organisation.path.startswith(path), Asset.published_at >= start, Asset.published_at < end)
         .group_by(Asset.kind))
    return {k: int(n) for k, n in session.execute(q)}


def products_by_language(session: Session, path: str, start: datetime, end: datetime) -> dict[str, int]:
    q = (select(Asset.language, func.count(Asset.id))
         .join(Organisation, Organisation.id == Asset.owner_org_id)
         .where(Organisation.path.startswith(path), Asset.published_at >= start, Asset.published_at < end)
         .group_by(Asset.language))
    return {str(k): int(n) for k, n in session.execute(q)}


def products_by_term(session: Session, path: str, start: datetime, end: datetime, vocabulary: str
                     ) -> list[tuple[str, str, int]]:
    q = (select(VocabularyTerm.code, VocabularyTerm.label_vi, func.count(Asset.id))
         .join(AssetTerm, AssetTerm.term_id == VocabularyTerm.id)
         .join(Asset, Asset.id == AssetTerm.asset_id)
         .join(Organisation, Organisation.id == Asset.owner_org_id)
         .where(VocabularyTerm.vocabulary == vocabulary, Organisation.path.startswith(path),
                Asset.published_at >= start, Asset.published_at < end)
         .group_by(VocabularyTerm.code, VocabularyTerm.label_vi).order_by(func.count(Asset.id).desc()))
    return [(c, label, int(n)) for c, label, n in session.execute(q)]


def approvals(session: Session, path: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """(submitted_at, decided_at) of versions approved in the period (turnaround is computed from these)."""
    q = (select(Version.submitted_at, Version.decided_at)
         .join(Asset, Asset.id == Version.asset_id)
         .join(Organisation, Organisation.id == Asset.owner_org_id)
         .where(Organisation.path.startswith(path), Version.decided_at >= start, Version.decided_at < end,
                Version.status.in_(("published", "superseded")), Version.submitted_at.is_not(None)))
    return [(s, d) for s, d in session.execute(q) if s is not None and d is not None]


def _usage_in(path: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    # An IN over the (small) subtree lets both databases use ix_usage_org_at instead of joining every event.
    subtree = select(Organisation.id).where(Organisation.path.startswith(path))
    return [UsageEvent.organisation_id.in_(subtree), UsageEvent.at >= start, UsageEvent.at < end]


def usage_by_unit(session: Session, path: str, start: datetime, end: datetime
                  ) -> list[tuple[uuid.UUID, str, int]]:
    q = (select(UsageEvent.organisation_id, UsageEvent.kind, func.count(UsageEvent.id))
         .where(*_usage_in(path, start, end)).group_by(UsageEvent.organisation_id, UsageEvent.kind))
    return [(i, kind, int(n)) for i, kind, n in session.execute(q) if i is not None]


def usage_by_channel(session: Session, path: str, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    q = (select(UsageEvent.channel, UsageEvent.kind, func.count(UsageEvent.id))
         .where(*_usage_in(path, start, end)).group_by(UsageEvent.channel, UsageEvent.kind))
    return [(c or "-", k, int(n)) for c, k, n in session.execute(q)]


def reached_units(session: Session, path: str, start: datetime, end: datetime, kinds: tuple[str, ...]
                  ) -> set[uuid.UUID]:
    q = (select(UsageEvent.organisation_id).distinct()
         .where(*_usage_in(path, start, end), UsageEvent.kind.in_(kinds)))
    return {i for i in session.scalars(q) if i is not None}


def top_assets(session: Session, path: str, start: datetime, end: datetime, kinds: tuple[str, ...], limit: int
               ) -> list[tuple[uuid.UUID, str, str, int]]:
    n = func.count(UsageEvent.id)
    q = (select(Asset.id, Asset.title, Asset.kind, n)
         .join(UsageEvent, UsageEvent.asset_id == Asset.id)
         .where(*_usage_in(path, start, end), UsageEvent.kind.in_(kinds))
         .group_by(Asset.id, Asset.title, Asset.kind).order_by(n.desc(), Asset.id).limit(limit))
    return [(i, t, k, int(c)) for i, t, k, c in session.execute(q)]


def withdrawn(session: Session, path: str, start: datetime, end: datetime) -> list[tuple[Asset, int]]:
    downloads = (select(func.count(UsageEvent.id)).where(UsageEvent.asset_id == Asset.id,
                                                         UsageEvent.kind.in_(("download", "api_pull")))
                 .scalar_subquery())
    q = (select(Asset, downloads).join(Organisation, Organisation.id == Asset.owner_org_id)
         .where(Organisation.path.startswith(path), Asset.status == "withdrawn", Asset.updated_at >= start,
                Asset.updated_at < end).order_by(Asset.updated_at.desc()))
    return [(a, int(n or 0)) for a, n in session.execute(q)]


def targets(session: Session, org: Organisation, period_kind: str) -> list[ReportTarget]:
    q = select(ReportTarget).where(ReportTarget.period == period_kind, or_(
        ReportTarget.organisation_id == org.id,
        and_(ReportTarget.organisation_id.is_(None), ReportTarget.org_kind == org.kind)))
    return list(session.scalars(q.order_by(ReportTarget.metric)))

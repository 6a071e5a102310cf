"""Report aggregates, all computed in SQL over one reporting scope (a unit and every unit reporting to it) and one
period. Downloads and API pulls are counted from `usage_daily` (once per person per asset per day)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from service.models import (
    Asset,
    AssetTerm,
    Evidence,
    Organisation,
    Plan,
    PlanTask,
    ReportTarget,
    UnitContact,
    UnitProfile,
    UsageDaily,
    UsageEvent,
    Version,
    VocabularyTerm,
)
from service.plans.repository import in_ids

Ids = Collection[uuid.UUID] | None  # None: every unit (the national report needs no filter)
PULL_KINDS = ("download", "api_pull")


def products_by_kind(session: Session, ids: Ids, start: datetime, end: datetime) -> dict[str, int]:
    q = (select(Asset.kind, func.count(Asset.id))
         .where(in_ids(session, Asset.owner_org_id, ids), Asset.published_at >= start, Asset.published_at < end)
         .group_by(Asset.kind))
    return {k: int(n) for k, n in session.execute(q)}


def products_by_unit(session: Session, ids: Ids, start: datetime, end: datetime) -> dict[uuid.UUID, int]:
    q = (select(Asset.owner_org_id, func.count(Asset.id))
         .where(in_ids(session, Asset.owner_org_id, ids), Asset.published_at >= start, Asset.published_at < end)
         .group_by(Asset.owner_org_id))
    return {o: int(n) for o, n in session.execute(q)}


def products_by_language(session: Session, ids: Ids, start: datetime, end: datetime) -> dict[str, int]:
    q = (select(Asset.language, func.count(Asset.id))
         .where(in_ids(session, Asset.owner_org_id, ids), Asset.published_at >= start, Asset.published_at < end)
         .group_by(Asset.language))
    return {str(k): int(n) for k, n in session.execute(q)}


def products_by_term(session: Session, ids: Ids, start: datetime, end: datetime, vocabulary: str
                     ) -> list[tuple[str, str, int]]:
    q = (select(VocabularyTerm.code, VocabularyTerm.label_vi, func.count(Asset.id))
         .join(AssetTerm, AssetTerm.term_id == VocabularyTerm.id)
         .join(Asset, Asset.id == AssetTerm.asset_id)
         .where(VocabularyTerm.vocabulary == vocabulary, in_ids(session, Asset.owner_org_id, ids),
                Asset.published_at >= start, Asset.published_at < end)
         .group_by(VocabularyTerm.code, VocabularyTerm.label_vi).order_by(func.count(Asset.id).desc()))
    return [(c, label, int(n)) for c, label, n in session.execute(q)]


def approvals(session: Session, ids: Ids, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """(submitted_at, decided_at) of versions approved in the period (turnaround is computed from these)."""
    q = (select(Version.submitted_at, Version.decided_at)
         .join(Asset, Asset.id == Version.asset_id)
         .where(in_ids(session, Asset.owner_org_id, ids), Version.decided_at >= start, Version.decided_at < end,
                Version.status.in_(("published", "superseded")), Version.submitted_at.is_not(None)))
    return [(s, d) for s, d in session.execute(q) if s is not None and d is not None]


def _daily_in(session: Session, ids: Ids, start: date, end: date) -> list[ColumnElement[bool]]:
    return [in_ids(session, UsageDaily.organisation_id, ids), UsageDaily.day >= start, UsageDaily.day < end]


def _events_in(session: Session, ids: Ids, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [in_ids(session, UsageEvent.organisation_id, ids), UsageEvent.at >= start, UsageEvent.at < end,
            UsageEvent.kind.not_in(PULL_KINDS)]


def usage_by_unit(session: Session, ids: Ids, start: datetime, end: datetime) -> list[tuple[uuid.UUID, str, int]]:
    pulls = (select(UsageDaily.organisation_id, UsageDaily.kind, func.count())
             .where(*_daily_in(session, ids, start.date(), end.date()))
             .group_by(UsageDaily.organisation_id, UsageDaily.kind))
    other = (select(UsageEvent.organisation_id, UsageEvent.kind, func.count(UsageEvent.id))
             .where(*_events_in(session, ids, start, end))
             .group_by(UsageEvent.organisation_id, UsageEvent.kind))
    return [(i, kind, int(n)) for q in (pulls, other) for i, kind, n in session.execute(q) if i is not None]


def usage_by_channel(session: Session, ids: Ids, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    pulls = (select(UsageDaily.channel, UsageDaily.kind, func.count())
             .where(*_daily_in(session, ids, start.date(), end.date()))
             .group_by(UsageDaily.channel, UsageDaily.kind))
    other = (select(UsageEvent.channel, UsageEvent.kind, func.count(UsageEvent.id))
             .where(*_events_in(session, ids, start, end))
             .group_by(UsageEvent.channel, UsageEvent.kind))
    return [(c or "-", k, int(n)) for q in (pulls, other) for c, k, n in session.execute(q)]


def reached_units(session: Session, ids: Ids, start: datetime, end: datetime) -> set[uuid.UUID]:
    q = select(UsageDaily.organisation_id).distinct().where(
        *_daily_in(session, ids, start.date(), end.date()))
    return {i for i in session.scalars(q) if i is not None}


def downloaders_by_unit(session: Session, ids: Ids, start: datetime, end: datetime) -> dict[uuid.UUID, int]:
    """Distinct people of each unit who downloaded something in the period (staff reached)."""
    q = (select(UsageDaily.organisation_id, func.count(func.distinct(UsageDaily.user_id)))
         .where(*_daily_in(session, ids, start.date(), end.date()),
                UsageDaily.user_id.is_not(None))
         .group_by(UsageDaily.organisation_id))
    return {o: int(n) for o, n in session.execute(q) if o is not None}


def top_assets(session: Session, ids: Ids, start: datetime, end: datetime, limit: int
               ) -> list[tuple[uuid.UUID, str, str, int]]:
    n = func.count()
    q = (select(Asset.id, Asset.title, Asset.kind, n)
         .join(UsageDaily, UsageDaily.asset_id == Asset.id)
         .where(*_daily_in(session, ids, start.date(), end.date()))
         .group_by(Asset.id, Asset.title, Asset.kind).order_by(n.desc(), Asset.id).limit(limit))
    return [(i, t, k, int(c)) for i, t, k, c in session.execute(q)]


def urgent_lane(session: Session, ids: Ids, start: datetime, end: datetime
                ) -> list[tuple[uuid.UUID, str, datetime, datetime, datetime | None]]:
    """Urgent assets published in the period: (id, title, uploaded, published, first use)."""
    first_use = (select(func.min(UsageEvent.at)).where(UsageEvent.asset_id == Asset.id,
                                                      UsageEvent.kind.in_(PULL_KINDS)).scalar_subquery())
    q = (select(Asset.id, Asset.title, Asset.created_at, Asset.published_at, first_use)
         .where(in_ids(session, Asset.owner_org_id, ids), Asset.urgent.is_(True), Asset.published_at >= start,
                Asset.published_at < end).order_by(Asset.published_at.desc()))
    return [(i, t, c, p, f) for i, t, c, p, f in session.execute(q) if p is not None]


def withdrawn(session: Session, ids: Ids, start: datetime, end: datetime) -> list[tuple[Asset, int]]:
    downloads = select(func.count()).where(UsageDaily.asset_id == Asset.id).scalar_subquery()
    q = (select(Asset, downloads)
         .where(in_ids(session, Asset.owner_org_id, ids), Asset.status == "withdrawn", Asset.updated_at >= start,
                Asset.updated_at < end).order_by(Asset.updated_at.desc()))
    return [(a, int(n or 0)) for a, n in session.execute(q)]


def targets(session: Session, org: Organisation, period_kind: str) -> list[ReportTarget]:
    q = select(ReportTarget).where(ReportTarget.period == period_kind, or_(
        ReportTarget.organisation_id == org.id,
        and_(ReportTarget.organisation_id.is_(None), ReportTarget.org_kind == org.kind)))
    return list(session.scalars(q.order_by(ReportTarget.metric)))


def evidence_by_unit_channel(session: Session, ids: Ids, start: date, end: date
                             ) -> list[tuple[uuid.UUID, str, str, int, int, int, int, int]]:
    """(unit, channel, review, records, views, listeners, copies, staff reached) of evidence used in the period."""
    q = (select(Evidence.organisation_id, Evidence.channel, Evidence.review, func.count(Evidence.id),
                func.coalesce(func.sum(Evidence.views), 0), func.coalesce(func.sum(Evidence.listeners), 0),
                func.coalesce(func.sum(Evidence.copies), 0), func.coalesce(func.sum(Evidence.staff_reached), 0))
         .where(in_ids(session, Evidence.organisation_id, ids), Evidence.used_on >= start, Evidence.used_on < end)
         .group_by(Evidence.organisation_id, Evidence.channel, Evidence.review))
    return [(o, c, r, int(n), int(v or 0), int(li or 0), int(cp or 0), int(s or 0))
            for o, c, r, n, v, li, cp, s in session.execute(q)]


def units_with_contact(session: Session, ids: Ids) -> set[uuid.UUID]:
    q = select(UnitContact.organisation_id).where(in_ids(session, UnitContact.organisation_id, ids),
                                                  UnitContact.role == "contact", UnitContact.full_name != "")
    return set(session.scalars(q))


def staff_counts(session: Session, ids: Ids) -> dict[uuid.UUID, int]:
    q = select(UnitProfile.organisation_id, UnitProfile.staff_count).where(
        in_ids(session, UnitProfile.organisation_id, ids), UnitProfile.staff_count > 0)
    return {o: n for o, n in session.execute(q) if n}


def plan_tasks(session: Session, ids: Ids, year: int) -> list[tuple[PlanTask, uuid.UUID]]:
    """Tasks of the plans of the scope's units for the year, with the plan's unit."""
    q = (select(PlanTask, Plan.organisation_id).join(Plan, Plan.id == PlanTask.plan_id)
         .where(in_ids(session, Plan.organisation_id, ids), Plan.year == year)
         .order_by(Plan.organisation_id, PlanTask.created_at))
    return [(t, o) for t, o in session.execute(q)]

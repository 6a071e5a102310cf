"""All SQL of the workflow: versions under work, review history, the queue, reviewers, downloaders."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from service.models import (
    ApiClient,
    Asset,
    Comment,
    Organisation,
    Rendition,
    ReviewEvent,
    UsageEvent,
    User,
    Version,
)

OPEN_VERSION_STATUSES = ("draft", "in_review", "changes_requested")


def get_asset_for_update(session: Session, asset_id: uuid.UUID, visible: ColumnElement[bool]) -> Asset | None:
    """The asset row, locked on PostgreSQL so two reviewers cannot both take the last approval."""
    q = select(Asset).where(Asset.id == asset_id, visible)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    return session.scalar(q)


def visible_asset(session: Session, asset_id: uuid.UUID, visible: ColumnElement[bool]) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.id == asset_id, visible))


def last_event(session: Session, asset_id: uuid.UUID, action: str) -> ReviewEvent | None:
    return session.scalar(select(ReviewEvent).where(ReviewEvent.asset_id == asset_id, ReviewEvent.action == action)
                          .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc()).limit(1))


def latest_version(session: Session, asset_id: uuid.UUID) -> Version | None:
    return session.scalar(select(Version).where(Version.asset_id == asset_id)
                          .order_by(Version.number.desc()).limit(1))


def version_by_number(session: Session, asset_id: uuid.UUID, number: int) -> Version | None:
    return session.scalar(select(Version).where(Version.asset_id == asset_id, Version.number == number))


def versions_of(session: Session, asset_id: uuid.UUID) -> list[Version]:
    return list(session.scalars(select(Version).where(Version.asset_id == asset_id).order_by(Version.number)))


def add(session: Session, *objs: object) -> None:
    session.add_all(objs)
    session.flush()


def org_path(session: Session, org_id: uuid.UUID) -> str:
    return session.scalar(select(Organisation.path).where(Organisation.id == org_id)) or ""


def approval_levels(session: Session, org_id: uuid.UUID) -> int:
    return session.scalar(select(Organisation.approval_levels).where(Organisation.id == org_id)) or 1


def approval_levels_of(session: Session, org_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not org_ids:
        return {}
    rows = session.execute(select(Organisation.id, Organisation.approval_levels).where(Organisation.id.in_(org_ids)))
    return {r[0]: r[1] or 1 for r in rows}


def round_approvals_of(session: Session, version_ids: list[uuid.UUID]
                       ) -> dict[uuid.UUID, list[tuple[uuid.UUID | None, str]]]:
    """`round_approvals` of many versions in one query (the review queue)."""
    out: dict[uuid.UUID, list[tuple[uuid.UUID | None, str]]] = {v: [] for v in version_ids}
    if not version_ids:
        return out
    submits = aliased(ReviewEvent)
    last_submit = (select(func.max(submits.id)).where(submits.version_id == ReviewEvent.version_id,
                                                      submits.action == "submit")
                   .correlate(ReviewEvent).scalar_subquery())
    rows = session.execute(
        select(ReviewEvent.version_id, ReviewEvent.actor_id, Organisation.path)
        .join(User, User.id == ReviewEvent.actor_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(ReviewEvent.version_id.in_(version_ids), ReviewEvent.action == "approve",
               ReviewEvent.id > func.coalesce(last_submit, 0))
        .order_by(ReviewEvent.id))
    for version_id, actor_id, path in rows:
        if version_id is not None:  # the filter already requires it; the column is nullable
            out[version_id].append((actor_id, path))
    return out


def round_approvals(session: Session, version_id: uuid.UUID) -> list[tuple[uuid.UUID | None, str]]:
    """(approver id, approver's organisation path) of the approvals since the version's last submit."""
    last_submit = select(func.max(ReviewEvent.id)).where(ReviewEvent.version_id == version_id,
                                                         ReviewEvent.action == "submit").scalar_subquery()
    rows = session.execute(
        select(ReviewEvent.actor_id, Organisation.path)
        .join(User, User.id == ReviewEvent.actor_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(ReviewEvent.version_id == version_id, ReviewEvent.action == "approve",
               ReviewEvent.id > func.coalesce(last_submit, 0))
        .order_by(ReviewEvent.id))
    return [(r[0], r[1]) for r in rows]


def history(session: Session, asset_id: uuid.UUID) -> list[ReviewEvent]:
    return list(session.scalars(select(ReviewEvent).where(ReviewEvent.asset_id == asset_id)
                                .order_by(ReviewEvent.id)))


def queue(session: Session, reviewable: ColumnElement[bool], limit: int) -> list[tuple[Asset, Version]]:
    """Versions awaiting review: urgent first, then the longest waiting."""
    rows = session.execute(
        select(Asset, Version).join(Version, Version.asset_id == Asset.id)
        .where(Version.status == "in_review", Asset.status.in_(("in_review", "published")), reviewable)
        .order_by(Asset.urgent.desc(), Version.submitted_at.asc(), Version.id)
        .limit(limit))
    return [(r[0], r[1]) for r in rows]


def reviewers_for(session: Session, ancestor_ids: list[uuid.UUID], exclude: uuid.UUID | None) -> list[uuid.UUID]:
    """Active reviewers whose subtree contains an organisation with the given ancestor chain."""
    q = select(User.id).where(User.organisation_id.in_(ancestor_ids), User.role == "reviewer",
                              User.is_active.is_(True))
    if exclude is not None:
        q = q.where(User.id != exclude)
    return list(session.scalars(q.order_by(User.created_at)))


def downloaders(session: Session, asset_id: uuid.UUID
                ) -> tuple[list[tuple[Organisation, int]], list[tuple[ApiClient, int]]]:
    """Organisations and API clients that took the asset (any version), with how often."""
    orgs = session.execute(
        select(Organisation, func.count(UsageEvent.id))
        .join(UsageEvent, UsageEvent.organisation_id == Organisation.id)
        .where(UsageEvent.asset_id == asset_id)
        .group_by(Organisation.id).order_by(Organisation.code))
    clients = session.execute(
        select(ApiClient, func.count(UsageEvent.id))
        .join(UsageEvent, UsageEvent.api_client_id == ApiClient.id)
        .where(UsageEvent.asset_id == asset_id)
        .group_by(ApiClient.id).order_by(ApiClient.name))
    return [(r[0], r[1]) for r in orgs], [(r[0], r[1]) for r in clients]


def renditions_of(session: Session, version_id: uuid.UUID) -> list[Rendition]:
    return list(session.scalars(select(Rendition).where(Rendition.version_id == version_id)
                                .order_by(Rendition.size)))


def move_missing_renditions(session: Session, from_version: uuid.UUID, to_version: uuid.UUID) -> int:
    """Give a metadata-only version the renditions of the file it shares, where it has none of its own."""
    have = {(r.profile, r.variant) for r in renditions_of(session, to_version)}
    moved = 0
    for r in renditions_of(session, from_version):
        if (r.profile, r.variant) not in have:
            r.version_id = to_version
            moved += 1
    session.flush()
    return moved


def comments(session: Session, asset_id: uuid.UUID) -> list[Comment]:
    return list(session.scalars(select(Comment).where(Comment.asset_id == asset_id).order_by(Comment.created_at,
                                                                                                Comment.id)))


def due_embargoed(session: Session, now: datetime) -> list[Asset]:
    return list(session.scalars(select(Asset).where(
        Asset.status == "published", Asset.published_at.is_(None),
        or_(Asset.publish_at.is_(None), Asset.publish_at <= now),
        or_(Asset.expires_at.is_(None), Asset.expires_at > now))))


def due_expired(session: Session, now: datetime) -> list[Asset]:
    return list(session.scalars(select(Asset).where(
        and_(Asset.status == "published", Asset.expires_at.is_not(None), Asset.expires_at <= now))))

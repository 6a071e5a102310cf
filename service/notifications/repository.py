"""All SQL of notifications: recipients from roles, the organisation tree and usage; the rows themselves."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from service.models import (
    ApiClient,
    Asset,
    Comment,
    EmailMessage,
    Notification,
    NotificationPreference,
    Organisation,
    UsageEvent,
    User,
    Version,
)
from service.models.plans import Evidence, PlanTask, ReportSnapshot, UnitContact


def users(session: Session, ids: Iterable[uuid.UUID]) -> list[User]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return list(session.scalars(select(User).where(User.id.in_(wanted), User.is_active.is_(True))))


def users_by_email(session: Session, emails: Iterable[str]) -> list[User]:
    wanted = {e.lower() for e in emails}
    if not wanted:
        return []
    return list(session.scalars(select(User).where(func.lower(User.email).in_(wanted), User.is_active.is_(True))))


def comment(session: Session, comment_id: uuid.UUID) -> Comment | None:
    return session.get(Comment, comment_id)


def organisation(session: Session, org_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, org_id)


def asset(session: Session, asset_id: uuid.UUID) -> Asset | None:
    return session.get(Asset, asset_id)


def version(session: Session, version_id: uuid.UUID) -> Version | None:
    return session.get(Version, version_id)


def users_in_subtree(session: Session, path_prefix: str) -> list[User]:
    """Every active person of the organisations whose path starts with `path_prefix`."""
    return list(session.scalars(
        select(User).join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.path.startswith(path_prefix, autoescape=True), User.is_active.is_(True))))


def takers(session: Session, asset_id: uuid.UUID) -> list[User]:
    """People who downloaded any rendition of the asset, and the people who created the API keys that
    pulled it (a newsroom key's contact)."""
    by_user = select(UsageEvent.user_id).where(UsageEvent.asset_id == asset_id, UsageEvent.user_id.is_not(None))
    by_key = (select(ApiClient.created_by_id).join(UsageEvent, UsageEvent.api_client_id == ApiClient.id)
              .where(UsageEvent.asset_id == asset_id, ApiClient.created_by_id.is_not(None)))
    return list(session.scalars(select(User).where(or_(User.id.in_(by_user), User.id.in_(by_key)),
                                                   User.is_active.is_(True))))


def existing_keys(session: Session, event_key: str, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not user_ids:
        return set()
    return set(session.scalars(select(Notification.user_id).where(Notification.event_key == event_key,
                                                                  Notification.user_id.in_(user_ids))))


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()


def preferences(session: Session, user_ids: list[uuid.UUID], kind: str) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(NotificationPreference.user_id, NotificationPreference.mode)
                           .where(NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind))
    return {r[0]: r[1] for r in rows}


def preferences_of(session: Session, user_id: uuid.UUID) -> dict[str, str]:
    rows = session.execute(select(NotificationPreference.kind, NotificationPreference.mode)
                           .where(NotificationPreference.user_id == user_id))
    return {r[0]: r[1] for r in rows}


def set_preference(session: Session, user_id: uuid.UUID, kind: str, mode: str) -> None:
    row = session.get(NotificationPreference, (user_id, kind))
    if row is None:
        session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
    else:
        row.mode = mode
    session.flush()


def list_for(session: Session, user_id: uuid.UUID, *, unread_only: bool, limit: int) -> list[Notification]:
    q = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    return list(session.scalars(q.order_by(Notification.created_at.desc(), Notification.id).limit(limit)))


def unread_count(session: Session, user_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.count(Notification.id))
                              .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)


def mark_read(session: Session, user_id: uuid.UUID, ids: list[uuid.UUID] | None, now: datetime) -> int:
    q = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        q = q.where(Notification.id.in_(ids))
    return int(session.execute(q.values(read_at=now)).rowcount or 0)  # type: ignore[attr-defined]


def digest_pending(session: Session, before: datetime) -> list[Notification]:
    """Notifications kept for a digest (not yet e-mailed), oldest first."""
    return list(session.scalars(select(Notification).where(Notification.email_state == "digest",
                                                           Notification.created_at < before)
                                .order_by(Notification.user_id, Notification.created_at)))


def email_exists(session: Session, key: str) -> bool:
    return session.scalar(select(EmailMessage.id).where(EmailMessage.idempotency_key == key)) is not None


def due_emails(session: Session, now: datetime, limit: int) -> list[EmailMessage]:
    q = (select(EmailMessage).where(EmailMessage.sent_at.is_(None), EmailMessage.failed_at.is_(None),
                                    EmailMessage.next_attempt_at <= now,
                                    or_(EmailMessage.claimed_until.is_(None), EmailMessage.claimed_until < now))
         .order_by(EmailMessage.next_attempt_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)  # several workers share the queue
    return list(session.scalars(q))


def claim_email(session: Session, message_id: uuid.UUID, now: datetime, until: datetime) -> bool:
    """Take one message for sending; False when another sender took it first (a conditional UPDATE, so it
    holds on SQLite too, where rows cannot be locked)."""
    result = session.execute(
        update(EmailMessage).where(EmailMessage.id == message_id, EmailMessage.sent_at.is_(None),
                                   EmailMessage.failed_at.is_(None),
                                   or_(EmailMessage.claimed_until.is_(None), EmailMessage.claimed_until < now))
        .values(claimed_until=until))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(session: Session, message_id: uuid.UUID, now: datetime) -> None:
    """One statement (no read first): the send loop commits this after every message."""
    session.execute(update(EmailMessage).where(EmailMessage.id == message_id)
                    .values(sent_at=now, attempts=EmailMessage.attempts + 1, claimed_until=None, last_error=None)
                    .execution_options(synchronize_session=False))


def email(session: Session, message_id: uuid.UUID) -> EmailMessage | None:
    return session.get(EmailMessage, message_id)


def urgent_waiting(session: Session, older_than: datetime) -> list[tuple[Asset, Version]]:
    """Urgent versions still in review, submitted before `older_than`."""
    rows = session.execute(select(Asset, Version).join(Version, Version.asset_id == Asset.id)
                           .where(Version.status == "in_review", Version.submitted_at < older_than,
                                  Asset.urgent.is_(True)))
    return [(r[0], r[1]) for r in rows]


def people_of_units(session: Session, org_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[User]]:
    wanted = list(set(org_ids))
    found: dict[uuid.UUID, list[User]] = {}
    if not wanted:
        return found
    for user in session.scalars(select(User).where(User.organisation_id.in_(wanted), User.is_active.is_(True))):
        found.setdefault(user.organisation_id, []).append(user)
    return found


def contact_emails(session: Session, org_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    wanted = list(set(org_ids))
    if not wanted:
        return {}
    rows = session.execute(select(UnitContact.organisation_id, UnitContact.email)
                           .where(UnitContact.organisation_id.in_(wanted), UnitContact.role == "contact"))
    return {r[0]: r[1].lower() for r in rows if r[1]}


def open_tasks_due_by(session: Session, until: date) -> list[PlanTask]:
    return list(session.scalars(select(PlanTask).where(PlanTask.due_on <= until, PlanTask.lead_org_id.is_not(None),
                                                       PlanTask.status.in_(("not_started", "in_progress", "overdue")))))


def submitted_reports(session: Session, period: str) -> set[uuid.UUID]:
    return set(session.scalars(select(ReportSnapshot.organisation_id).where(ReportSnapshot.period == period)))


def report_snapshot(session: Session, snapshot_id: uuid.UUID) -> ReportSnapshot | None:
    return session.get(ReportSnapshot, snapshot_id)


def evidence(session: Session, evidence_id: uuid.UUID) -> Evidence | None:
    return session.get(Evidence, evidence_id)

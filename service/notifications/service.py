"""Creating notifications for people and their e-mails, in the caller's transaction; reading them back."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from sqlalchemy.orm import Session

from service.core.config import Settings
from service.core.db import after_commit
from service.core.errors import Unprocessable
from service.core.runtime import session_runtime
from service.http import urls
from service.models import EmailMessage, Notification, User
from service.models.base import utcnow
from service.notifications import content, delivery, kinds, repository
from service.notifications.content import Notice


def asset_link(asset_id: uuid.UUID | str) -> str:
    """The canonical page of an asset, absolute (it travels in e-mails)."""
    return urls.asset_page(asset_id)


def preferences_link() -> str:
    return urls.notification_settings()


def email_enabled(settings: Settings) -> bool:
    return bool(settings.mail.smtp_host)


def notify(session: Session, recipients: list[User], notice: Notice, event_key: str,
           asset_id: uuid.UUID | None = None) -> list[Notification]:
    """Tell each recipient once about one event (a second call with the same key adds nothing)."""
    people = {u.id: u for u in recipients}
    rt = session_runtime(session)
    told = repository.existing_keys(session, event_key, list(people))  # once: a fan-out reaches thousands
    fresh = [u for uid, u in people.items() if uid not in told]
    if not fresh:
        return []
    chosen = repository.preferences(session, [u.id for u in fresh], notice.kind)
    made = []
    mailing = email_enabled(rt.settings)
    for user in fresh:
        mode = kinds.effective_mode(notice.kind, chosen.get(user.id))
        state = "none" if not mailing or mode == "off" else ("digest" if mode == "digest" else "queued")
        row = Notification(id=uuid.uuid4(), user_id=user.id, kind=notice.kind, event_key=event_key,
                           title=content.headline(notice, "vi"), body="\n".join(content.lines(notice, "vi")),
                           link=notice.link, asset_id=asset_id, data=asdict(notice), email_state=state)
        made.append(row)
        if state == "queued":
            mail = content.mail_for(notice, preferences_link())
            session.add(EmailMessage(idempotency_key=f"n:{row.id}", user_id=user.id, to_addr=user.email,
                                     subject=mail.subject, text_body=mail.text, html_body=mail.html,
                                     notification_ids=[str(row.id)]))
    repository.add(session, *made)
    if any(r.email_state == "queued" for r in made):
        after_commit(session, lambda: delivery.kick(rt))
    return made


def notice_of(row: Notification) -> Notice:
    fields = {k: row.data.get(k) for k in ("kind", "title", "link", "reason", "replacement_title",
                                          "replacement_link", "reminder", "quote", "due")}
    fields["kind"] = fields["kind"] or row.kind
    fields["reminder"] = bool(fields["reminder"])
    return Notice(**fields)  # type: ignore[arg-type]


def list_for(session: Session, user_id: uuid.UUID, *, unread_only: bool = False, limit: int = 50
             ) -> list[Notification]:
    return repository.list_for(session, user_id, unread_only=unread_only, limit=limit)


def unread_count(session: Session, user_id: uuid.UUID) -> int:
    return repository.unread_count(session, user_id)


def mark_read(session: Session, user_id: uuid.UUID, ids: list[uuid.UUID] | None = None) -> int:
    return repository.mark_read(session, user_id, ids, utcnow())


def preferences(session: Session, user_id: uuid.UUID) -> dict[str, str]:
    chosen = repository.preferences_of(session, user_id)
    return {kind: kinds.effective_mode(kind, chosen.get(kind)) for kind in kinds.KINDS}


def set_preferences(session: Session, user_id: uuid.UUID, wanted: dict[str, str]) -> dict[str, str]:
    for kind, mode in wanted.items():
        if kind in kinds.MANDATORY and mode != "immediate":
            raise Unprocessable("mandatory_notification")
        repository.set_preference(session, user_id, kind, mode)
    return preferences(session, user_id)

"""The daily digest: notifications a person chose to receive once a day, gathered into one e-mail."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from service.models import EmailMessage, Notification
from service.notifications import content, repository
from service.notifications.service import notice_of, preferences_link

VIETNAM = timezone(timedelta(hours=7))


def last_cutoff(now: datetime, hour: int) -> datetime:
    """The latest digest time (`hour` o'clock in Vietnam) at or before `now`."""
    local = now.astimezone(VIETNAM)
    cut = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if cut > local:
        cut -= timedelta(days=1)
    return cut.astimezone(UTC)


def queue_digests(session: Session, now: datetime, digest_hour: int) -> int:
    """One e-mail per person for everything kept for the digest before the last cut-off (`digest_hour`
    o'clock in Vietnam); returns how many."""
    cutoff = last_cutoff(now, digest_hour)
    pending: dict[uuid.UUID, list[Notification]] = defaultdict(list)
    for row in repository.digest_pending(session, cutoff):
        pending[row.user_id].append(row)
    people = {u.id: u for u in repository.users(session, list(pending))}
    made = 0
    for user_id, rows in pending.items():
        for row in rows:
            row.email_state = "queued"
        user = people.get(user_id)
        if user is None:
            continue
        mail = content.digest_for([notice_of(r) for r in rows], cutoff.astimezone(VIETNAM).date(),
                                  preferences_link())
        session.add(EmailMessage(idempotency_key=f"digest:{user_id}:{rows[0].id}", user_id=user_id,
                                 to_addr=user.email, subject=mail.subject, text_body=mail.text,
                                 html_body=mail.html, notification_ids=[str(r.id) for r in rows]))
        made += 1
    session.flush()
    return made

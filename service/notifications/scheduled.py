"""Time-driven notification work: e-mails due for a retry, daily digests, reminders of urgent items nobody
has reviewed."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.config import get_settings
from service.db import unit_of_work
from service.models.base import utcnow
from service.notifications import delivery, digests
from service.notifications.reminders import remind_urgent
from service.scheduled import scheduled


@scheduled
def send_due_email() -> None:
    delivery.deliver_due()


@scheduled
def send_digests(now: datetime | None = None) -> None:
    with unit_of_work() as session:
        digests.queue_digests(session, now or utcnow())
    delivery.deliver_due()


@scheduled
def remind_urgent_reviews(now: datetime | None = None) -> None:
    wait = timedelta(minutes=get_settings().notify_urgent_remind_minutes)
    with unit_of_work() as session:
        remind_urgent(session, (now or utcnow()) - wait)

"""Time-driven notification work: e-mails due for a retry, daily digests, reminders of urgent items nobody
has reviewed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.models.base import utcnow
from service.notifications import delivery, digests, plan_reminders
from service.notifications.reminders import remind_urgent


def send_due_email(rt: Runtime) -> None:
    delivery.deliver_due(rt)


def send_digests(rt: Runtime, now: datetime | None = None) -> None:
    with unit_of_work(rt.sessionmaker) as session:
        digests.queue_digests(session, now or utcnow(), rt.settings.notify.digest_hour)
    delivery.deliver_due(rt)


def remind_urgent_reviews(rt: Runtime, now: datetime | None = None) -> None:
    wait = timedelta(minutes=rt.settings.notify.urgent_remind_minutes)
    with unit_of_work(rt.sessionmaker) as session:
        remind_urgent(session, (now or utcnow()) - wait)


def remind_deadlines(rt: Runtime, today: date | None = None) -> None:
    """Once a day per process is enough (reminders are keyed by day and deadline, so repeats add nothing)."""
    day = today or utcnow().astimezone(digests.VIETNAM).date()
    last_run = rt.adapter(_last_deadline_run)
    if today is None and last_run.get("day") == day:
        return
    with unit_of_work(rt.sessionmaker) as session:
        plan_reminders.remind_tasks(session, day)
        plan_reminders.remind_reports(session, day)
    last_run["day"] = day


def _last_deadline_run(_: Runtime) -> dict[str, date]:
    """The day deadline reminders last ran in this process (one per runtime)."""
    return {}

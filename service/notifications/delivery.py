"""Sending queued e-mails: claim a batch in one short transaction, send outside any transaction over one SMTP
connection, record each outcome at once — so a worker killed mid-batch leaves the sent ones marked and the
others claimable again after the lease."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from service.core.backoff import Backoff
from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.http import urls
from service.models.base import utcnow
from service.notifications import mailer as mail
from service.notifications import repository

log = logging.getLogger("kho.notifications")
LEASE = timedelta(seconds=120)
# 30 s, 1 min, 2 min … capped at one hour, 12 tries: a relay that is down for a while is retried for about half a day.
MAIL_RETRY = Backoff(base=30, cap=3600, max_tries=12)


@dataclass(frozen=True)
class Outgoing:
    id: uuid.UUID
    key: str
    to: str
    subject: str
    text: str
    html: str


def _claim(rt: Runtime, now: datetime, limit: int) -> list[Outgoing]:
    with unit_of_work(rt.sessionmaker) as session:
        rows = repository.due_emails(session, now, limit)
        until = utcnow() + LEASE
        taken = [r for r in rows if repository.claim_email(session, r.id, now, until)]
        return [Outgoing(r.id, r.idempotency_key, r.to_addr, r.subject, r.text_body, r.html_body) for r in taken]


def _record(rt: Runtime, out: Outgoing, error: str | None) -> None:
    with unit_of_work(rt.sessionmaker) as session:
        if error is None:
            repository.mark_sent(session, out.id, utcnow())
            return
        row = repository.email(session, out.id)
        if row is None:
            return
        row.attempts += 1
        row.claimed_until = None
        row.last_error = error[:2000]
        now = utcnow()
        next_try = MAIL_RETRY.next_try(row.attempts, now)
        if next_try is None:
            row.failed_at = now
        else:
            row.next_attempt_at = next_try


def deliver_due(rt: Runtime, sender: mail.Mailer | None = None, now: datetime | None = None, batch: int = 200) -> int:
    """Send every due message (in batches); returns how many were sent. No SMTP host: nothing to do."""
    settings = rt.settings
    if not settings.mail.smtp_host and sender is None:
        return 0
    own = sender is None
    sender = sender or mail.SmtpMailer(settings)
    domain = urlsplit(settings.base_url).hostname or "kho.local"
    sent = 0
    try:
        while outgoing := _claim(rt, now or utcnow(), batch):
            for out in outgoing:
                message = mail.mime(sender=settings.mail.smtp_from, to=out.to, subject=out.subject, text=out.text,
                                    html=out.html, key=out.key, unsubscribe=urls.notification_settings(),
                                    domain=domain)
                try:
                    sender.send(message)
                except Exception as exc:  # noqa: BLE001 - recorded and retried with backoff
                    log.warning("e-mail %s to %s failed: %s", out.key, out.to, exc)
                    _record(rt, out, f"{type(exc).__name__}: {exc}")
                    continue
                _record(rt, out, None)
                sent += 1
            if now is not None:
                break  # a test's fixed instant: one pass
    finally:
        if own:
            sender.close()
    return sent


class _Kicks:
    """The runtime's background sender: at most one runs; `again` makes it go round once more."""

    def __init__(self, _: Runtime) -> None:
        self.lock = threading.Lock()
        self.again = threading.Event()


def kick(rt: Runtime) -> None:
    """Send soon in a background thread (called after the creating transaction commits). A kick that
    arrives while a sender runs makes it go round once more, so nothing waits for the sweep."""
    kicks = rt.adapter(_Kicks)
    kicks.again.set()
    if not kicks.lock.acquire(blocking=False):
        return

    def run() -> None:
        try:
            while kicks.again.is_set():
                kicks.again.clear()
                deliver_due(rt)
        except Exception:  # noqa: BLE001 - the scheduled sweep retries
            log.exception("e-mail delivery failed")
        finally:
            kicks.lock.release()
            if kicks.again.is_set():  # kicked between the last pass and the release
                kick(rt)

    threading.Thread(target=run, name="kho-mail", daemon=True).start()

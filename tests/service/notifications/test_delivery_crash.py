"""Exactly one message per event when the sending worker is killed mid-delivery and another takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Factory, Stack
from tests.service.notifications.smtp import Inbox

ROOT = Path(__file__).resolve().parents[3]
SENDER = ("import sys; from datetime import datetime; from service.core.runtime import current;"
          " from service.notifications.delivery import deliver_due;"
          " deliver_due(current(), now=datetime.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else None)")


def _sender(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SENDER, *args], cwd=ROOT, env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _queue(factory: Factory, count: int) -> list[str]:
    """`count` people, each with one notification e-mail queued (as a publication would leave them)."""
    from service.core.db import unit_of_work
    from service.models import User
    from service.notifications.content import Notice
    from service.notifications.service import notify

    org = factory.org("school")
    emails = [factory.user("staff", org)[0] for _ in range(count)]
    with unit_of_work() as session:
        from sqlalchemy import select

        people = list(session.scalars(select(User).where(User.email.in_(emails))))
        notify(session, people, Notice(kind="withdrawn", title="Bài cần gỡ gấp", link="http://testserver/x"),
               f"withdrawn:crash-{org}")
    return emails


def test_killed_sender_neither_loses_nor_repeats(stack: Stack, factory: Factory, inbox: Inbox,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from service.models.base import utcnow
    from service.notifications import delivery
    from service.notifications.delivery import LEASE

    if not stack.is_postgres:
        pytest.skip("one stack is enough: the claim is the same SQL on both, PostgreSQL adds row locks")
    # The messages are queued as another host's worker would leave them: this process must not start sending.
    monkeypatch.setattr(delivery, "kick", lambda rt: None)
    inbox.rcpt_delay = 0.3
    emails = _queue(factory, 12)
    first = _sender()
    deadline = time.monotonic() + 60
    while inbox.rcpt_started < 6 and time.monotonic() < deadline:  # the 6th message is in flight
        time.sleep(0.01)
    assert first.poll() is None, first.stderr.read() if first.stderr else ""
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    accepted_before = len(inbox.messages)
    assert 1 <= accepted_before < 12

    # The next worker runs once the killed one's lease has lapsed (a later instant stands in for waiting).
    inbox.rcpt_delay = 0
    later = (utcnow() + LEASE * 2).isoformat()
    second = _sender(later)
    assert second.wait(60) == 0, second.stderr.read() if second.stderr else ""
    received = [r for m in inbox.messages for r in m.rcpt]
    assert sorted(received) == sorted(emails)  # every one, exactly once
    ids = [m.message["Message-ID"] for m in inbox.messages]
    assert len(set(ids)) == len(ids) == 12

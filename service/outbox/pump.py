"""Consumes the transactional outbox: each event is handed to the consumers registered for its topic
(search index, webhooks). A failing consumer leaves the event pending with a backoff; nothing is lost."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.core.backoff import Backoff
from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.models.base import utcnow
from service.outbox import repository

log = logging.getLogger("kho.outbox")
# 2 s, 4 s, 8 s … capped at 5 min, never given up: an event is only ever late, not lost.
OUTBOX_RETRY = Backoff(base=2, cap=300)
Consumer = Callable[[Session, dict[str, Any]], None]
CONSUMERS: dict[str, list[Consumer]] = {}  # filled by service.worker.wiring.install(), the one list of consumers


def install_consumers(table: dict[str, list[Consumer]]) -> None:
    CONSUMERS.clear()
    CONSUMERS.update({topic: list(fns) for topic, fns in table.items()})


def drain(rt: Runtime, limit: int = 200) -> int:
    """Process up to `limit` due events; returns how many were handled successfully."""
    if not CONSUMERS:  # marking events processed with nobody listening would lose them
        raise RuntimeError("no outbox consumers installed: call service.worker.wiring.install() first")
    done = 0
    with unit_of_work(rt.sessionmaker) as session:
        for event in repository.due(session, limit):
            try:
                with session.begin_nested():
                    for fn in CONSUMERS.get(event.topic, []):
                        fn(session, event.payload)
            except Exception as exc:  # noqa: BLE001 - retried later with backoff
                event.attempts += 1
                event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                event.available_at = utcnow() + timedelta(seconds=OUTBOX_RETRY.delay(event.attempts))
                log.warning("outbox event %s (%s) failed: %s", event.id, event.topic, exc)
                continue
            event.processed_at = utcnow()
            done += 1
    return done


def settle(session: Session, topic: str) -> int:
    """Run the pending events of one topic now, in the caller's transaction (due or backing off alike), so
    that what the caller reads next includes their effects: a withdrawal settles the newsroom pulls still
    waiting before it lists who took the asset. A failure fails the caller. PostgreSQL: the rows are locked
    (a pump holding one is waited for; once it commits, the event is no longer pending)."""
    if not CONSUMERS.get(topic):  # marking them processed with nobody listening would lose them
        raise RuntimeError(f"no outbox consumer for {topic}: call service.worker.wiring.install() first")
    events = repository.pending_of_topic(session, topic)
    for event in events:
        for fn in CONSUMERS[topic]:
            fn(session, event.payload)
        event.processed_at = utcnow()
    return len(events)


class OutboxPump(threading.Thread):
    def __init__(self, rt: Runtime, interval: float = 1.0) -> None:
        super().__init__(name="kho-outbox", daemon=True)
        self.rt = rt
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if drain(self.rt) == 0:
                    self.stopping.wait(self.interval)
            except Exception:  # noqa: BLE001 - e.g. database briefly down; keep the pump alive
                log.exception("outbox drain failed")
                self.stopping.wait(5)

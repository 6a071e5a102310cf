"""Sending due deliveries: claim (leased) in one short transaction, POST outside any transaction,
record the outcome in another — a slow receiver never holds a database connection."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.models import ApiClient
from service.models.base import utcnow
from service.models.webhooks import WebhookAttempt
from service.usage import service as usage
from service.webhooks import repository
from service.webhooks.service import DISABLE_AFTER, WEBHOOK_RETRY
from service.webhooks.signing import headers as signed_headers

log = logging.getLogger("kho.webhooks")
LEASE = timedelta(seconds=60)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class Outgoing:
    delivery_id: uuid.UUID
    url: str
    secret: str
    message_id: str
    body: bytes
    manual: bool


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _send(out: Outgoing, client: httpx.Client) -> Outcome:
    started = time.monotonic()
    try:
        r = client.post(out.url, content=out.body,
                        headers={**signed_headers(out.secret, out.message_id, int(time.time()), out.body),
                                 "user-agent": "KhoTruyenThong-Webhooks/1"})
        return Outcome(r.status_code, None if r.is_success else r.text[:500],
                       int((time.monotonic() - started) * 1000))
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], int((time.monotonic() - started) * 1000))


def _claim(rt: Runtime, now: datetime, limit: int) -> list[Outgoing]:
    with unit_of_work(rt.sessionmaker) as session:
        rows = repository.claim_due(session, now, utcnow() + LEASE, limit)
        return [Outgoing(d.id, s.url, s.secret, d.message_id,
                         json.dumps({k: v for k, v in d.payload.items() if not k.startswith("_")},
                                    ensure_ascii=False, separators=(",", ":")).encode(),
                         bool(d.payload.get("_manual"))) for d, s, _c in rows]


def _record(rt: Runtime, out: Outgoing, outcome: Outcome, now: datetime) -> None:
    with unit_of_work(rt.sessionmaker) as session:
        delivery = repository.delivery(session, out.delivery_id)
        if delivery is None:
            return
        sub = repository.subscription(session, delivery.subscription_id)
        assert sub is not None
        session.add(WebhookAttempt(delivery_id=delivery.id, status_code=outcome.status,
                                   duration_ms=outcome.duration_ms, error=outcome.error,
                                   trigger="manual" if out.manual else "auto"))
        delivery.attempts += 1
        delivery.last_status, delivery.last_error = outcome.status, outcome.error
        if out.manual:
            delivery.payload = {k: v for k, v in delivery.payload.items() if k != "_manual"}
        if outcome.ok:
            delivery.delivered_at, delivery.next_attempt_at = now, None
            sub.consecutive_failures = 0
            client = session.get(ApiClient, sub.api_client_id)
            usage.record("webhook_delivery", None, session=session, asset_id=_asset_id(delivery.payload),
                         channel="webhook",
                         organisation_id=client.organisation_id if client else None, api_client_id=sub.api_client_id)
            return
        sub.consecutive_failures += 1
        delivery.next_attempt_at = WEBHOOK_RETRY.next_try(delivery.attempts, now)
        if delivery.next_attempt_at is None:
            delivery.failed_at = now
        if sub.active and sub.consecutive_failures >= DISABLE_AFTER:
            sub.active, sub.disabled_at = False, now
            log.warning("webhook subscription %s disabled after %d failures", sub.id, sub.consecutive_failures)


def _asset_id(payload: dict[str, object]) -> uuid.UUID | None:
    data = payload.get("data")
    raw = data.get("asset_id") if isinstance(data, dict) else None
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def deliver_due(rt: Runtime, now: datetime | None = None, limit: int = 100) -> int:
    """Send what is due at `now` (tests pass a later instant to stand in for waiting); returns attempts."""
    now = now or utcnow()
    batch = _claim(rt, now, limit)
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
        for out in batch:
            _record(rt, out, _send(out, client), now)
    return len(batch)


_kick_lock = threading.Lock()


def kick(rt: Runtime) -> None:
    """Deliver soon in a background thread (called after the creating transaction commits)."""
    if not _kick_lock.acquire(blocking=False):
        return  # a sender is already running; it (or the sweep) picks the new rows up

    def run() -> None:
        try:
            deliver_due(rt)
        except Exception:  # noqa: BLE001 - the scheduled sweep retries
            log.exception("webhook delivery failed")
        finally:
            _kick_lock.release()

    threading.Thread(target=run, name="kho-webhooks", daemon=True).start()

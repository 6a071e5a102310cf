"""Webhook subscriptions of API clients and their deliveries: created from outbox events, sent signed
(Standard Webhooks), retried with exponential backoff, logged per attempt, and the subscription
disabled after DISABLE_AFTER consecutive failures."""

from __future__ import annotations

import ipaddress
import socket
import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from service.audit import service as audit
from service.auth import repository as auth_repo
from service.core.backoff import Backoff
from service.core.config import Settings
from service.core.errors import Forbidden, KhoError, NotFound
from service.identity.principal import Principal
from service.models import WebhookDelivery, WebhookSubscription
from service.models.base import utcnow
from service.models.webhooks import WebhookAttempt
from service.orgs import service as orgs
from service.webhooks import repository
from service.webhooks.signing import new_secret

TOPICS = ("asset.published", "asset.updated", "asset.withdrawn", "asset.superseded")
ALWAYS_DELIVERED = frozenset({"asset.withdrawn"})  # a withdrawal reaches every subscriber
DISABLE_AFTER = 5
# 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h (each at most; jittered down to half), 8 tries.
WEBHOOK_RETRY = Backoff(base=5, factor=4, cap=36_000, max_tries=8)


def _check_target(settings: Settings, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KhoError("webhook_bad_url", status=422)
    if settings.env != "production":
        return  # local receivers are how development and tests work
    if parts.scheme != "https":
        raise KhoError("webhook_bad_url", status=422)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as exc:
        raise KhoError("webhook_bad_url", status=422) from exc
    if any(not ipaddress.ip_address(a).is_global for a in addresses):
        raise KhoError("webhook_private_target", status=422)


def _own(session: Session, principal: Principal, sub_id: uuid.UUID) -> WebhookSubscription:
    sub = repository.subscription(session, sub_id)
    if sub is None or sub.api_client_id != principal.client_id:
        raise NotFound(what="đăng ký webhook / webhook subscription")
    return sub


def _client_only(principal: Principal) -> uuid.UUID:
    if principal.client_id is None:
        raise Forbidden("webhook_clients_only")
    return principal.client_id


def create_subscription(session: Session, settings: Settings, principal: Principal, url: str,
                        events: list[str]) -> WebhookSubscription:
    client_id = _client_only(principal)
    unknown = set(events) - set(TOPICS)
    if unknown or not events:
        raise KhoError("webhook_bad_events", status=422, events=", ".join(sorted(unknown)) or "-")
    _check_target(settings, url)
    sub = WebhookSubscription(api_client_id=client_id, url=url, events=sorted(set(events)), secret=new_secret())
    repository.add(session, sub)
    audit.record(session, "webhook.subscribed", "webhook_subscription", sub.id, actor=principal, url=url,
                 events=sub.events)
    return sub


def list_subscriptions(session: Session, principal: Principal) -> list[WebhookSubscription]:
    return repository.subscriptions_of(session, _client_only(principal))


def update_subscription(session: Session, principal: Principal, sub_id: uuid.UUID, *, active: bool | None,
                        events: list[str] | None) -> WebhookSubscription:
    sub = _own(session, principal, sub_id)
    if events is not None:
        if not events or set(events) - set(TOPICS):
            raise KhoError("webhook_bad_events", status=422, events=", ".join(events))
        sub.events = sorted(set(events))
    if active is not None:
        sub.active = active
        if active:  # re-enabling starts a fresh failure count; parked deliveries resume
            sub.consecutive_failures, sub.disabled_at = 0, None
    audit.record(session, "webhook.updated", "webhook_subscription", sub.id, actor=principal, active=sub.active)
    return sub


def delete_subscription(session: Session, principal: Principal, sub_id: uuid.UUID) -> None:
    sub = _own(session, principal, sub_id)
    session.delete(sub)
    audit.record(session, "webhook.unsubscribed", "webhook_subscription", sub_id, actor=principal)


def delivery_log(session: Session, principal: Principal, sub_id: uuid.UUID, limit: int
                 ) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
    _own(session, principal, sub_id)
    rows = repository.deliveries_of(session, sub_id, limit)
    attempts = repository.attempts_of(session, [d.id for d in rows])
    return [(d, attempts[d.id]) for d in rows]


def client_overview(session: Session, principal: Principal, client_id: uuid.UUID, limit: int
                    ) -> list[tuple[WebhookSubscription, list[tuple[WebhookDelivery, list[WebhookAttempt]]]]]:
    """Read-only, for administrators: the subscriptions of an API client of their subtree and each one's
    latest deliveries with their attempts (the web admin page)."""
    client = auth_repo.client_by_id(session, client_id)
    if client is None:
        raise NotFound(what="khóa API / API key")
    orgs.require_manageable(session, principal, client.organisation_id)
    subs = repository.subscriptions_of(session, client_id)
    latest = repository.latest_deliveries(session, [s.id for s in subs], limit)
    attempts = repository.attempts_of(session, [d.id for rows in latest.values() for d in rows])
    return [(sub, [(d, attempts[d.id]) for d in latest[sub.id]]) for sub in subs]


def redeliver(session: Session, principal: Principal, delivery_id: uuid.UUID) -> WebhookDelivery:
    delivery = repository.delivery(session, delivery_id)
    if delivery is None:
        raise NotFound(what="lần gửi webhook / webhook delivery")
    _own(session, principal, delivery.subscription_id)
    delivery.delivered_at, delivery.failed_at, delivery.next_attempt_at = None, None, utcnow()
    delivery.payload = {**delivery.payload, "_manual": True}
    audit.record(session, "webhook.redelivery", "webhook_delivery", delivery.id, actor=principal)
    return delivery


def enqueue_event(session: Session, topic: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per interested subscription, in the outbox consumer's transaction."""
    now = utcnow()
    created = []
    for sub, _client in repository.active_subscriptions(session):
        if topic in sub.events or topic in ALWAYS_DELIVERED:
            msg_id = f"msg_{uuid.uuid4().hex}"
            body = {"type": topic, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}
            created.append(WebhookDelivery(subscription_id=sub.id, message_id=msg_id, event_type=topic,
                                           payload=body, next_attempt_at=now))
    if created:
        repository.add(session, *created)
    return created

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import ApiClient, WebhookDelivery, WebhookSubscription
from service.models.webhooks import WebhookAttempt


def add(session: Session, *objs: object) -> None:
    session.add_all(objs)
    session.flush()


def subscription(session: Session, sub_id: uuid.UUID) -> WebhookSubscription | None:
    return session.get(WebhookSubscription, sub_id)


def subscriptions_of(session: Session, client_id: uuid.UUID) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).where(WebhookSubscription.api_client_id == client_id)
                                .order_by(WebhookSubscription.created_at)))


def active_subscriptions(session: Session) -> list[tuple[WebhookSubscription, ApiClient]]:
    q = (select(WebhookSubscription, ApiClient).join(ApiClient, ApiClient.id == WebhookSubscription.api_client_id)
         .where(WebhookSubscription.active.is_(True), ApiClient.revoked_at.is_(None)))
    return [(s, c) for s, c in session.execute(q)]


def delivery(session: Session, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id)


def deliveries_of(session: Session, sub_id: uuid.UUID, limit: int) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub_id)
                                .order_by(WebhookDelivery.created_at.desc()).limit(limit)))


def latest_deliveries(session: Session, sub_ids: list[uuid.UUID], limit: int
                      ) -> dict[uuid.UUID, list[WebhookDelivery]]:
    """The `limit` newest deliveries of each subscription, in one query (a window over subscriptions)."""
    out: dict[uuid.UUID, list[WebhookDelivery]] = {s: [] for s in sub_ids}
    if not sub_ids:
        return out
    rank = func.row_number().over(partition_by=WebhookDelivery.subscription_id,
                                  order_by=(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())).label("rank")
    ranked = (select(WebhookDelivery.id, rank).where(WebhookDelivery.subscription_id.in_(sub_ids)).subquery())
    q = (select(WebhookDelivery).join(ranked, ranked.c.id == WebhookDelivery.id).where(ranked.c.rank <= limit)
         .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()))
    for d in session.scalars(q):
        out[d.subscription_id].append(d)
    return out


def attempts_of(session: Session, delivery_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[WebhookAttempt]]:
    out: dict[uuid.UUID, list[WebhookAttempt]] = {d: [] for d in delivery_ids}
    if delivery_ids:
        for a in session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids))
                                 .order_by(WebhookAttempt.id)):
            out[a.delivery_id].append(a)
    return out


def claim_due(session: Session, now: datetime, lease_until: datetime, limit: int
              ) -> list[tuple[WebhookDelivery, WebhookSubscription, ApiClient]]:
    """Due deliveries of active subscriptions, leased so a parallel loop does not send them twice."""
    q = (select(WebhookDelivery, WebhookSubscription, ApiClient)
         .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
         .join(ApiClient, ApiClient.id == WebhookSubscription.api_client_id)
         .where(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
                WebhookDelivery.next_attempt_at <= now, WebhookSubscription.active.is_(True))
         .order_by(WebhookDelivery.next_attempt_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=WebhookDelivery)
    rows = [(d, s, c) for d, s, c in session.execute(q)]
    for d, _, _ in rows:
        d.next_attempt_at = lease_until
    session.flush()
    return rows

"""`/api/v1/webhooks/…`: an API client (scope webhooks:manage) manages its subscriptions and sees its
delivery log."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from service.http.deps import RuntimeDep, SessionDep, require_scope
from service.identity.principal import Principal
from service.webhooks import service as webhooks
from service.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
Manager = Annotated[Principal, Depends(require_scope("webhooks:manage"))]


@router.post("/subscriptions", status_code=201, response_model=SubscriptionCreated)
def subscribe(body: SubscriptionIn, principal: Manager, session: SessionDep, rt: RuntimeDep) -> SubscriptionCreated:
    sub = webhooks.create_subscription(session, rt.settings, principal, str(body.url), body.events)
    return SubscriptionCreated(**SubscriptionOut.model_validate(sub).model_dump(), secret=sub.secret)


@router.get("/subscriptions", response_model=list[SubscriptionOut])
def subscriptions(principal: Manager, session: SessionDep) -> list[SubscriptionOut]:
    return [SubscriptionOut.model_validate(s) for s in webhooks.list_subscriptions(session, principal)]


@router.patch("/subscriptions/{sub_id}", response_model=SubscriptionOut)
def update(sub_id: uuid.UUID, body: SubscriptionPatch, principal: Manager, session: SessionDep) -> SubscriptionOut:
    sub = webhooks.update_subscription(session, principal, sub_id, active=body.active, events=body.events)
    return SubscriptionOut.model_validate(sub)


@router.delete("/subscriptions/{sub_id}", status_code=204)
def unsubscribe(sub_id: uuid.UUID, principal: Manager, session: SessionDep) -> Response:
    webhooks.delete_subscription(session, principal, sub_id)
    return Response(status_code=204)


@router.get("/subscriptions/{sub_id}/deliveries", response_model=list[DeliveryOut])
def deliveries(sub_id: uuid.UUID, principal: Manager, session: SessionDep,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[DeliveryOut]:
    return [DeliveryOut(id=d.id, message_id=d.message_id, event_type=d.event_type, attempts=d.attempts,
                        last_status=d.last_status, next_attempt_at=d.next_attempt_at, delivered_at=d.delivered_at,
                        failed_at=d.failed_at, created_at=d.created_at,
                        log=[AttemptOut.model_validate(a) for a in attempts])
            for d, attempts in webhooks.delivery_log(session, principal, sub_id, limit)]


@router.post("/deliveries/{delivery_id}/redeliver", status_code=202)
def redeliver(delivery_id: uuid.UUID, principal: Manager, session: SessionDep) -> dict[str, str]:
    webhooks.redeliver(session, principal, delivery_id)
    return {"status": "queued"}

"""Webhooks: Standard Webhooks signatures checked by the independent `standardwebhooks` package,
retries with backoff, delivery log, disablement, re-enable, manual redelivery, withdrawal to all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from service.core.runtime import current
from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, api_key, set_status
from tests.service.publication.receiver import Receiver


@pytest.fixture(autouse=True)
def _step_by_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.webhooks import consumers

    monkeypatch.setattr(consumers, "DELIVER_ON_COMMIT", False)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def _subscribe(client: TestClient, headers: dict[str, str], url: str, events: list[str]) -> dict:
    r = client.post("/api/v1/webhooks/subscriptions", json={"url": url, "events": events}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _pump() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def test_published_event_is_signed_per_standard_webhooks(client: TestClient, factory: Factory,
                                                         publisher: Publisher, receiver: Receiver) -> None:
    from service.webhooks.delivery import deliver_due

    _, headers = api_key(factory, scopes=["assets:read", "webhooks:manage"])
    sub = _subscribe(client, headers, receiver.url, ["asset.published"])
    assert sub["secret"].startswith("whsec_")
    asset_id = publisher.publish(title="Tin mới về Nghị quyết 71")
    _pump()
    deliver_due(current())
    mine = [r for r in receiver.requests if json.loads(r.body)["data"]["asset_id"] == asset_id]
    assert len(mine) == 1
    req = mine[0]
    payload = Webhook(sub["secret"]).verify(req.body, req.headers)  # raises on a bad signature
    assert payload["type"] == "asset.published" and payload["data"]["title"] == "Tin mới về Nghị quyết 71"
    assert req.headers["webhook-id"].startswith("msg_")
    with pytest.raises(Exception):  # noqa: B017 - any verification error
        Webhook(sub["secret"]).verify(req.body + b" ", req.headers)

    log = client.get(f"/api/v1/webhooks/subscriptions/{sub['id']}/deliveries", headers=headers).json()
    assert log[0]["delivered_at"] and log[0]["log"][0]["status_code"] == 204


def test_retries_backoff_disable_reenable_and_redeliver(client: TestClient, factory: Factory,
                                                        publisher: Publisher, receiver: Receiver) -> None:
    from service.models.base import utcnow
    from service.webhooks.delivery import deliver_due
    from service.webhooks.service import DISABLE_AFTER, WEBHOOK_RETRY

    receiver.status = 500
    _, headers = api_key(factory, scopes=["webhooks:manage"])
    sub = _subscribe(client, headers, receiver.url, ["asset.published"])
    publisher.publish()
    _pump()
    now = utcnow()
    deliver_due(current(), now)
    assert len(receiver.requests) == 1
    deliver_due(current(), now + timedelta(seconds=1))  # not due yet: backoff
    assert len(receiver.requests) == 1
    for attempt in range(1, DISABLE_AFTER):
        now += timedelta(seconds=WEBHOOK_RETRY.ceiling(attempt) + 1)  # the longest jittered wait
        deliver_due(current(), now)
    assert len(receiver.requests) == DISABLE_AFTER
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1  # retries keep the message id, so receivers can de-duplicate

    state = client.get("/api/v1/webhooks/subscriptions", headers=headers).json()
    mine = next(s for s in state if s["id"] == sub["id"])
    assert mine["active"] is False and mine["disabled_at"] and mine["consecutive_failures"] == DISABLE_AFTER
    deliver_due(current(), now + timedelta(days=1))
    assert len(receiver.requests) == DISABLE_AFTER  # disabled: nothing more is sent
    log = client.get(f"/api/v1/webhooks/subscriptions/{sub['id']}/deliveries", headers=headers).json()
    assert [a["status_code"] for a in log[0]["log"]] == [500] * DISABLE_AFTER

    receiver.status = 200
    r = client.patch(f"/api/v1/webhooks/subscriptions/{sub['id']}", json={"active": True}, headers=headers)
    assert r.json()["active"] is True
    deliver_due(current(), now + timedelta(days=1))
    assert len(receiver.requests) == DISABLE_AFTER + 1
    log = client.get(f"/api/v1/webhooks/subscriptions/{sub['id']}/deliveries", headers=headers).json()
    assert log[0]["delivered_at"] and log[0]["last_status"] == 200

    r = client.post(f"/api/v1/webhooks/deliveries/{log[0]['id']}/redeliver", headers=headers)
    assert r.status_code == 202
    deliver_due(current())
    assert len(receiver.requests) == DISABLE_AFTER + 2
    Webhook(sub["secret"]).verify(receiver.requests[-1].body, receiver.requests[-1].headers)
    log = client.get(f"/api/v1/webhooks/subscriptions/{sub['id']}/deliveries", headers=headers).json()
    assert log[0]["log"][-1]["trigger"] == "manual"


def test_withdrawal_reaches_every_subscriber_and_lists_downloaders(client: TestClient, factory: Factory,
                                                                   publisher: Publisher) -> None:
    from service.core.db import unit_of_work
    from service.usage import service as usage
    from service.webhooks.delivery import deliver_due

    receivers = [Receiver().start() for _ in range(2)]
    try:
        subs = []
        for rec, events in zip(receivers, (["asset.published"], ["asset.updated"]), strict=True):
            _, headers = api_key(factory, scopes=["webhooks:manage"])
            subs.append(_subscribe(client, headers, rec.url, events))
        newsroom = factory.org("newsroom")
        _, key = api_key(factory, newsroom)
        asset_id = publisher.publish()
        r = client.get(f"/api/v1/news/items/{asset_id}/renditions/original", headers=key, follow_redirects=False)
        assert r.status_code == 307
        set_status(asset_id, "withdrawn", "Thông tin đã được cập nhật")
        _pump()
        deliver_due(current())
        for rec, sub in zip(receivers, subs, strict=True):
            received: list[dict[str, Any]] = [json.loads(q.body) for q in rec.requests]
            for q in rec.requests:
                Webhook(sub["secret"]).verify(q.body, q.headers)
            withdrawn = [e for e in received if e["type"] == "asset.withdrawn" and e["data"]["asset_id"] == asset_id]
            assert len(withdrawn) == 1 and withdrawn[0]["data"]["reason"] == "Thông tin đã được cập nhật"
        with unit_of_work() as session:
            import uuid

            downloaders = usage.downloaders_of(session, uuid.UUID(asset_id))
        assert [d.code for d in downloaders] == [newsroom] and downloaders[0].downloads >= 1
    finally:
        for rec in receivers:
            rec.stop()


def test_subscription_validation(client: TestClient, factory: Factory) -> None:
    _, headers = api_key(factory, scopes=["webhooks:manage"])
    r = client.post("/api/v1/webhooks/subscriptions", json={"url": "http://127.0.0.1:9/x", "events": ["asset.eaten"]},
                    headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "webhook_bad_events"
    _, no_scope = api_key(factory, scopes=["assets:read"])
    r = client.post("/api/v1/webhooks/subscriptions", json={"url": "http://127.0.0.1:9/x",
                                                            "events": ["asset.published"]}, headers=no_scope)
    assert r.status_code == 403

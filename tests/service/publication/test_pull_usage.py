"""A newsroom page's pull is recorded as one outbox row in the request and expanded by the pump into one
usage event per item and one daily claim per (client, asset): counted exactly once, however often the pump
runs, on the day the client pulled; a rolled-back expansion is retried and still counts once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, api_key


def _drain() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def _counts(client_id: str, asset_ids: list[str]) -> tuple[int, int, int]:
    """(api_pull events, daily claims, pending pull rows) for this client and these assets."""
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.models import OutboxEvent, UsageDaily, UsageEvent

    ids = [uuid.UUID(a) for a in asset_ids]
    with unit_of_work() as session:
        events = session.scalar(select(func.count()).select_from(UsageEvent).where(
            UsageEvent.api_client_id == uuid.UUID(client_id), UsageEvent.kind == "api_pull",
            UsageEvent.asset_id.in_(ids)))
        daily = session.scalar(select(func.count()).select_from(UsageDaily).where(
            UsageDaily.actor == f"c:{uuid.UUID(client_id).hex}", UsageDaily.asset_id.in_(ids)))
        pending = session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.topic == "usage.pulled", OutboxEvent.processed_at.is_(None)))
    return int(events or 0), int(daily or 0), int(pending or 0)


def test_a_page_pull_counts_each_item_once(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    marker = uuid.uuid4().hex[:8]
    made = [publisher.publish(org_code=org, title=f"Kéo trang {marker} số {n}") for n in range(3)]
    _drain()
    client_id, key = api_key(factory)
    r = client.get(f"/api/v1/news/search?q={marker}&limit=50", headers=key)
    assert r.status_code == 200 and len(r.json()["items"]) == 3
    events, daily, pending = _counts(client_id, made)
    assert (events, daily) == (0, 0) and pending >= 1  # one row in the request, nothing expanded yet
    _drain()
    assert _counts(client_id, made) == (3, 3, 0)
    _drain()  # nothing left: a second pass adds nothing
    assert _counts(client_id, made) == (3, 3, 0)
    assert client.get(f"/api/v1/news/search?q={marker}&limit=50", headers=key).status_code == 200
    _drain()
    assert _counts(client_id, made) == (6, 3, 0)  # a second pull the same day: events, but one claim each


def test_a_failed_expansion_is_retried_and_counted_once(client: TestClient, factory: Factory,
                                                          publisher: Publisher, monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from sqlalchemy import update

    from service.core.db import unit_of_work
    from service.models import OutboxEvent
    from service.outbox import pump as outbox_pump
    from service.usage import consumers

    org = factory.org()
    marker = uuid.uuid4().hex[:8]
    made = [publisher.publish(org_code=org, title=f"Kéo lại {marker} số {n}") for n in range(2)]
    _drain()
    client_id, key = api_key(factory)
    assert client.get(f"/api/v1/news/search?q={marker}&limit=50", headers=key).status_code == 200

    def fails_after_writing(session: Any, payload: dict[str, Any]) -> None:
        raise RuntimeError("the next consumer of the event failed")

    table = {topic: list(fns) for topic, fns in outbox_pump.CONSUMERS.items()}
    monkeypatch.setitem(outbox_pump.CONSUMERS, consumers.TOPIC, [consumers.expand_pull, fails_after_writing])
    _drain()
    assert _counts(client_id, made)[:2] == (0, 0)  # the rows written before the failure were rolled back
    outbox_pump.install_consumers(table)
    with unit_of_work() as session:  # due now rather than after the backoff
        session.execute(update(OutboxEvent).where(OutboxEvent.topic == consumers.TOPIC,
                                                  OutboxEvent.processed_at.is_(None))
                        .values(available_at=OutboxEvent.created_at))
    _drain()
    assert _counts(client_id, made) == (2, 2, 0)

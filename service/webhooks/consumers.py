"""Outbox → webhook deliveries. The payload names the asset and says how to fetch it; receivers pull
the ninjs item from the newsroom API (so a webhook never leaks more than the key may read)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from service.core.db import after_commit
from service.core.runtime import session_runtime
from service.http import urls
from service.models import Asset
from service.webhooks import delivery, service

DELIVER_ON_COMMIT = True  # tests switch this off to drive deliveries step by step


def _data(session: Session, payload: dict[str, Any]) -> dict[str, Any] | None:
    try:
        asset_id = uuid.UUID(str(payload.get("asset_id")))
    except ValueError:
        return None
    asset = session.get(Asset, asset_id)
    data: dict[str, Any] = {"asset_id": str(asset_id), "uri": urls.news_item(asset_id),
                            "url": urls.asset_page(asset_id)}
    if asset is not None:
        data.update(kind=asset.kind, title=asset.title, status=asset.status)
        if asset.status == "withdrawn":
            data["reason"] = asset.withdrawn_reason or ""
    return data


def on(topic: str) -> Callable[[Session, dict[str, Any]], None]:
    """The consumer of one subscribable topic (registered in service/worker/wiring.py for each of service.TOPICS)."""

    def enqueue(session: Session, payload: dict[str, Any]) -> None:
        data = _data(session, payload)
        if data is None:
            return
        if service.enqueue_event(session, topic, data) and DELIVER_ON_COMMIT:
            rt = session_runtime(session)
            after_commit(session, lambda: delivery.kick(rt))

    return enqueue

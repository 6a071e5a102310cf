"""Keeps the search index in step with the database, from the outbox (so a down engine delays, never fails)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.core.runtime import session_runtime
from service.indexing import documents


def reindex_asset(session: Session, payload: dict[str, Any]) -> None:
    asset_id = uuid.UUID(str(payload["asset_id"]))
    docs = documents.build(session, [asset_id])
    index = session_runtime(session).search_index
    if docs:
        index.upsert(docs)
    else:
        index.delete([str(asset_id)])


TOPICS = ("asset.changed", "asset.deleted", "asset.published", "asset.withdrawn", "asset.superseded",
          "asset.updated")

"""A withdrawn asset's rights-stamped delivery copies are removed once the withdrawal is committed, so
links already handed out stop working on the local store (presigned S3 links then find no object)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.core.db import after_commit
from service.core.runtime import get_store
from service.news.rights import delivered_prefix, forget_delivered


def drop_delivered_copies(session: Session, payload: dict[str, Any]) -> None:
    asset_id = payload.get("asset_id")
    if not asset_id:
        return

    def drop() -> None:
        get_store().delete_prefix(delivered_prefix(asset_id))
        forget_delivered(get_store(), asset_id)

    after_commit(session, drop)

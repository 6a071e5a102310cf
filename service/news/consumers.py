"""A withdrawn asset's rights-stamped delivery copies are removed once the withdrawal is committed, so
links already handed out stop working on the local store (presigned S3 links then find no object)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.core.db import after_commit
from service.core.runtime import session_runtime
from service.news.rights import delivered_prefix, forget_delivered


def drop_delivered_copies(session: Session, payload: dict[str, Any]) -> None:
    asset_id = payload.get("asset_id")
    if not asset_id:
        return

    rt = session_runtime(session)

    def drop() -> None:
        rt.store.delete_prefix(delivered_prefix(asset_id))
        forget_delivered(rt, asset_id)

    after_commit(session, drop)

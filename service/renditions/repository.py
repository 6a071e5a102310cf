from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Rendition


def replace(session: Session, version_id: uuid.UUID, doomed: Callable[[Rendition], bool],
            rows: list[Rendition]) -> list[Rendition]:
    """Swap the renditions `doomed` picks for `rows` in one go; returns the rows replaced (their objects go)."""
    old = [r for r in session.scalars(select(Rendition).where(Rendition.version_id == version_id)) if doomed(r)]
    for row in old:
        session.delete(row)
    session.flush()
    session.add_all(rows)
    session.flush()
    return old


def of_versions(session: Session, version_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Rendition]]:
    """The renditions of many versions in one query (list pages), each list ordered as `of_version`'s."""
    out: dict[uuid.UUID, list[Rendition]] = {v: [] for v in version_ids}
    if version_ids:
        for r in session.scalars(select(Rendition).where(Rendition.version_id.in_(version_ids))
                                 .order_by(Rendition.profile, Rendition.variant)):
            out[r.version_id].append(r)
    return out


def of_version(session: Session, version_id: uuid.UUID) -> list[Rendition]:
    return list(session.scalars(select(Rendition).where(Rendition.version_id == version_id)
                                .order_by(Rendition.profile, Rendition.variant)))

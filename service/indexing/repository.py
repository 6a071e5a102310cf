from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from service.models import Asset, Organisation, QaItem, Rendition, Version


def assets_by_ids(session: Session, ids: list[uuid.UUID]) -> list[Asset]:
    return list(session.scalars(select(Asset).where(Asset.id.in_(ids))))


def iter_asset_ids(session: Session, batch: int = 1000) -> Iterator[list[uuid.UUID]]:
    last: uuid.UUID | None = None
    while True:
        q = select(Asset.id).order_by(Asset.id).limit(batch)
        if last is not None:
            q = q.where(Asset.id > last)
        ids = list(session.scalars(q))
        if not ids:
            return
        yield ids
        last = ids[-1]


def iter_asset_states(session: Session, batch: int = 2000) -> Iterator[list[Asset]]:
    """Every asset with only what the index copies and can let drift (status, schedule, title, summary)."""
    last: uuid.UUID | None = None
    columns = (Asset.id, Asset.status, Asset.publish_at, Asset.expires_at, Asset.title, Asset.summary)
    while True:
        q = select(Asset).options(load_only(*columns)).order_by(Asset.id).limit(batch)
        if last is not None:
            q = q.where(Asset.id > last)
        rows = list(session.scalars(q))
        if not rows:
            return
        yield rows
        last = rows[-1].id
        session.expunge_all()  # a check over a million assets keeps no identity map


def all_asset_ids(session: Session) -> set[str]:
    return {str(i) for i in session.scalars(select(Asset.id))}


def orgs_by_ids(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}


def versions_by_ids(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Version]:
    return {v.id: v for v in session.scalars(select(Version).where(Version.id.in_(ids)))} if ids else {}


def profiles_by_version(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    out: dict[uuid.UUID, set[str]] = {}
    if ids:
        for version_id, profile in session.execute(select(Rendition.version_id, Rendition.profile)
                                                   .where(Rendition.version_id.in_(ids)).distinct()):
            out.setdefault(version_id, set()).add(profile)
    return out


def qa_text_by_version(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    out: dict[uuid.UUID, list[str]] = {}
    if ids:
        rows = session.execute(select(QaItem.version_id, QaItem.question, QaItem.answer, QaItem.choices)
                               .where(QaItem.version_id.in_(ids)).order_by(QaItem.version_id, QaItem.position))
        for version_id, question, answer, choices in rows:
            out.setdefault(version_id, []).extend([question, answer, *choices])
    return {k: "\n".join(v) for k, v in out.items()}

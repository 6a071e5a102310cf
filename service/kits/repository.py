from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.assets.policy import live_filter
from service.models import Asset, Collection, CollectionItem


def by_slug(session: Session, slug: str) -> Collection | None:
    return session.scalar(select(Collection).where(Collection.slug == slug))


def all_kits(session: Session, limit: int) -> list[tuple[Collection, int]]:
    q = (select(Collection, func.count(CollectionItem.asset_id))
         .outerjoin(CollectionItem, CollectionItem.collection_id == Collection.id)
         .group_by(Collection.id).order_by(Collection.created_at.desc()).limit(limit))
    return [(c, int(n)) for c, n in session.execute(q)]


def add(session: Session, *objs: object) -> None:
    session.add_all(objs)
    session.flush()


def items(session: Session, collection_id: uuid.UUID) -> list[CollectionItem]:
    return list(session.scalars(select(CollectionItem).where(CollectionItem.collection_id == collection_id)
                                .order_by(CollectionItem.position)))


def items_of_kits(session: Session, collection_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[CollectionItem]]:
    """The items of several kits in one query (a list of kits shows each kit's items)."""
    out: dict[uuid.UUID, list[CollectionItem]] = {c: [] for c in collection_ids}
    if collection_ids:
        for row in session.scalars(select(CollectionItem).where(CollectionItem.collection_id.in_(collection_ids))
                                   .order_by(CollectionItem.collection_id, CollectionItem.position)):
            out[row.collection_id].append(row)
    return out


def replace_items(session: Session, collection_id: uuid.UUID, rows: list[CollectionItem]) -> None:
    session.execute(delete(CollectionItem).where(CollectionItem.collection_id == collection_id))
    add(session, *rows)


def live_items(session: Session, collection_id: uuid.UUID, now: datetime) -> list[tuple[CollectionItem, Asset]]:
    q = (select(CollectionItem, Asset).join(Asset, Asset.id == CollectionItem.asset_id)
         .where(CollectionItem.collection_id == collection_id, live_filter(now))
         .order_by(CollectionItem.position))
    return [(i, a) for i, a in session.execute(q)]


def items_with_assets(session: Session, collection_id: uuid.UUID) -> list[tuple[CollectionItem, Asset]]:
    """Every item whatever its asset's status (a kit reports withdrawn members instead of hiding them)."""
    q = (select(CollectionItem, Asset).join(Asset, Asset.id == CollectionItem.asset_id)
         .where(CollectionItem.collection_id == collection_id).order_by(CollectionItem.position))
    return [(i, a) for i, a in session.execute(q)]


def existing_assets(session: Session, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    return set(session.scalars(select(Asset.id).where(Asset.id.in_(ids))))


def remove(session: Session, kit: Collection) -> None:
    session.delete(kit)
    session.flush()

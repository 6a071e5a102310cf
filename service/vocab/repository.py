from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import AssetTerm, VocabularyTerm


def terms_by_codes(session: Session, vocabulary: str, codes: Iterable[str]) -> list[VocabularyTerm]:
    wanted = list(set(codes))
    if not wanted:
        return []
    return list(session.scalars(select(VocabularyTerm).where(VocabularyTerm.vocabulary == vocabulary,
                                                             VocabularyTerm.code.in_(wanted))))


def list_terms(session: Session, vocabulary: str | None = None, include_retired: bool = True) -> list[VocabularyTerm]:
    q = select(VocabularyTerm).order_by(VocabularyTerm.vocabulary, VocabularyTerm.position)
    if vocabulary:
        q = q.where(VocabularyTerm.vocabulary == vocabulary)
    if not include_retired:
        q = q.where(VocabularyTerm.retired_at.is_(None))
    return list(session.scalars(q))


def terms_of_assets(session: Session, asset_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[VocabularyTerm]]:
    out: dict[uuid.UUID, list[VocabularyTerm]] = {a: [] for a in asset_ids}
    if not asset_ids:
        return out
    rows = session.execute(select(AssetTerm.asset_id, VocabularyTerm)
                           .join(VocabularyTerm, VocabularyTerm.id == AssetTerm.term_id)
                           .where(AssetTerm.asset_id.in_(asset_ids))
                           .order_by(VocabularyTerm.position))
    for asset_id, term in rows:
        out[asset_id].append(term)
    return out


def replace_asset_terms(session: Session, asset_id: uuid.UUID, term_ids: list[uuid.UUID]) -> None:
    existing = set(session.scalars(select(AssetTerm.term_id).where(AssetTerm.asset_id == asset_id)))
    wanted = set(term_ids)
    for term_id in existing - wanted:
        link = session.get(AssetTerm, (asset_id, term_id))
        if link:
            session.delete(link)
    for term_id in wanted - existing:
        session.add(AssetTerm(asset_id=asset_id, term_id=term_id))
    session.flush()


def get(session: Session, term_id: uuid.UUID) -> VocabularyTerm | None:
    return session.get(VocabularyTerm, term_id)


def by_code(session: Session, vocabulary: str, code: str) -> VocabularyTerm | None:
    return session.scalar(select(VocabularyTerm).where(VocabularyTerm.vocabulary == vocabulary,
                                                       VocabularyTerm.code == code))


def next_position(session: Session, vocabulary: str) -> int:
    return (session.scalar(select(func.max(VocabularyTerm.position))
                           .where(VocabularyTerm.vocabulary == vocabulary)) or 0) + 1


def add(session: Session, term: VocabularyTerm) -> None:
    session.add(term)
    session.flush()

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, text
from sqlalchemy.orm import Session

from service.assets.rendition_files import stored_keys
from service.models import (
    Asset,
    AssetTerm,
    Caption,
    Organisation,
    Rendition,
    TranslationRequest,
    Version,
    VocabularyTerm,
)


def lock_hash(session: Session, sha256: str) -> None:
    """Serialise uploads of the same bytes on PostgreSQL so the duplicate check cannot race."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(sha256[:15], 16)})


def version_by_hash(session: Session, sha256: str) -> Version | None:
    return session.scalar(select(Version).where(Version.sha256 == sha256).limit(1))


def add(session: Session, *objs: object) -> None:
    session.add_all(objs)
    session.flush()


def get(session: Session, asset_id: uuid.UUID, visible: ColumnElement[bool] | None = None) -> Asset | None:
    q = select(Asset).where(Asset.id == asset_id)
    if visible is not None:
        q = q.where(visible)
    return session.scalar(q)


def get_version(session: Session, version_id: uuid.UUID) -> Version | None:
    return session.get(Version, version_id)


def version_by_number(session: Session, asset_id: uuid.UUID, number: int) -> Version | None:
    return session.scalar(select(Version).where(Version.asset_id == asset_id, Version.number == number))


def versions_of(session: Session, asset_id: uuid.UUID) -> list[Version]:
    return list(session.scalars(select(Version).where(Version.asset_id == asset_id).order_by(Version.number)))


def owner_path(session: Session, asset: Asset) -> str:
    return session.scalar(select(Organisation.path).where(Organisation.id == asset.owner_org_id)) or ""


def page(session: Session, visible: ColumnElement[bool], *, kind: str | None, status: str | None,
         org_id: uuid.UUID | None, term_codes: dict[str, list[str]], after: tuple[datetime, uuid.UUID] | None,
         limit: int, language: str | None = None) -> list[Asset]:
    q = select(Asset).where(visible)
    if language:
        q = q.where(Asset.language == language)
    if kind:
        q = q.where(Asset.kind == kind)
    if status:
        q = q.where(Asset.status == status)
    if org_id:
        q = q.where(Asset.owner_org_id == org_id)
    for vocabulary, codes in term_codes.items():
        if codes:
            tagged = (select(AssetTerm.asset_id).join(VocabularyTerm, VocabularyTerm.id == AssetTerm.term_id)
                      .where(VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code.in_(codes)))
            q = q.where(Asset.id.in_(tagged))
    if after:
        q = q.where(or_(Asset.created_at < after[0], and_(Asset.created_at == after[0], Asset.id < after[1])))
    return list(session.scalars(q.order_by(Asset.created_at.desc(), Asset.id.desc()).limit(limit)))


def current_versions(session: Session, assets: list[Asset]) -> dict[uuid.UUID, Version]:
    ids = [a.current_version_id for a in assets if a.current_version_id]
    if not ids:
        return {}
    return {v.id: v for v in session.scalars(select(Version).where(Version.id.in_(ids)))}


def object_keys_of_asset(session: Session, asset_id: uuid.UUID) -> list[str]:
    originals = session.scalars(select(Version.object_key).where(Version.asset_id == asset_id))
    renditions = session.execute(select(Rendition.object_key, Rendition.extra)
                                 .join(Version, Version.id == Rendition.version_id).where(Version.asset_id == asset_id))
    captions = session.scalars(select(Caption.object_key).join(Version, Version.id == Caption.version_id)
                               .where(Version.asset_id == asset_id))
    return [*originals, *captions, *(k for key, extra in renditions for k in stored_keys(key, extra))]


def delete_asset(session: Session, asset: Asset) -> None:
    asset.current_version_id = None
    session.flush()
    session.execute(delete(Version).where(Version.asset_id == asset.id))
    session.delete(asset)
    session.flush()


def count_all(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Asset)) or 0


def all_object_keys(session: Session) -> set[str]:
    keys = set(session.scalars(select(Version.object_key)))
    for key, extra in session.execute(select(Rendition.object_key, Rendition.extra)):
        keys.update(stored_keys(key, extra))
    keys.update(k for k in session.scalars(select(Version.caption_key)) if k)
    keys.update(session.scalars(select(Caption.object_key)))
    return keys


def visible_by_ids(session: Session, ids: list[uuid.UUID], visible: ColumnElement[bool]) -> list[Asset]:
    if not ids:
        return []
    return list(session.scalars(select(Asset).where(Asset.id.in_(ids), visible)))


# Language groups: an original and its language versions (service.assets.variants).


class GroupRef(NamedTuple):
    id: uuid.UUID
    language: str
    kind: str
    title: str
    status: str
    variant_of_id: uuid.UUID | None


def group_members(session: Session, root_ids: set[uuid.UUID], visible: ColumnElement[bool] | None = None
                  ) -> dict[uuid.UUID, list[Asset]]:
    """Root id → the original and its language versions (original first, then by language)."""
    if not root_ids:
        return {}
    q = select(Asset).where(or_(Asset.id.in_(root_ids), Asset.variant_of_id.in_(root_ids)))
    if visible is not None:
        q = q.where(visible)
    groups: dict[uuid.UUID, list[Asset]] = {r: [] for r in root_ids}
    for a in session.scalars(q.order_by(Asset.variant_of_id.is_not(None), Asset.language)):
        groups[a.variant_of_id or a.id].append(a)
    return groups


def group_refs(session: Session, root_ids: set[uuid.UUID], visible: ColumnElement[bool] | None = None
               ) -> dict[uuid.UUID, list[GroupRef]]:
    """`group_members` as light rows (id, language, kind, title, status, variant_of_id): what a list shows of
    the other languages, without loading whole assets again (a newsroom page holds fifty)."""
    if not root_ids:
        return {}
    q = (select(Asset.id, Asset.language, Asset.kind, Asset.title, Asset.status, Asset.variant_of_id)
         .where(or_(Asset.id.in_(root_ids), Asset.variant_of_id.in_(root_ids))))
    if visible is not None:
        q = q.where(visible)
    groups: dict[uuid.UUID, list[GroupRef]] = {r: [] for r in root_ids}
    for row in session.execute(q.order_by(Asset.variant_of_id.is_not(None), Asset.language)):
        ref = GroupRef(*row)
        groups[ref.variant_of_id or ref.id].append(ref)
    return groups


def group_languages(session: Session, root_id: uuid.UUID, *, besides: uuid.UUID | None = None) -> list[str]:
    q = select(Asset.language).where(or_(Asset.id == root_id, Asset.variant_of_id == root_id))
    if besides is not None:
        q = q.where(Asset.id != besides)
    return list(session.scalars(q))


def open_translation_request(session: Session, root_id: uuid.UUID, language: str) -> TranslationRequest | None:
    return session.scalar(select(TranslationRequest).where(
        TranslationRequest.asset_id == root_id, TranslationRequest.language == language,
        TranslationRequest.status == "open").order_by(TranslationRequest.created_at).limit(1))

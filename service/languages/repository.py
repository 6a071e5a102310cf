"""Queries of captions, translation requests and languages in use (language groups: service.assets.repository)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from service.models import Asset, Caption, TranslationRequest, Version


def captions_of(session: Session, version_id: uuid.UUID) -> list[Caption]:
    return list(session.scalars(select(Caption).where(Caption.version_id == version_id).order_by(Caption.language)))


def caption(session: Session, version_id: uuid.UUID, language: str) -> Caption | None:
    return session.scalar(select(Caption).where(Caption.version_id == version_id, Caption.language == language))


def count_by_language(session: Session, visible: ColumnElement[bool]) -> dict[str, int]:
    q = select(Asset.language, func.count()).where(visible).group_by(Asset.language)
    return {str(lang): int(n) for lang, n in session.execute(q).tuples()}


def caption_text_by_version(session: Session, version_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not version_ids:
        return {}
    out: dict[uuid.UUID, list[str]] = {}
    for version_id, text in session.execute(select(Caption.version_id, Caption.text)
                                            .where(Caption.version_id.in_(version_ids)).order_by(Caption.language)):
        out.setdefault(version_id, []).append(text)
    return {k: "\n".join(v) for k, v in out.items()}


def translation_requests_for(session: Session, org_id: uuid.UUID) -> list[TranslationRequest]:
    own = select(Asset.id).where(Asset.owner_org_id == org_id)
    q = (select(TranslationRequest)
         .where(or_(TranslationRequest.unit_org_id == org_id, TranslationRequest.asset_id.in_(own)))
         .order_by(TranslationRequest.status != "open", TranslationRequest.due_on))
    return list(session.scalars(q))




def copy_captions(session: Session, from_version: uuid.UUID, to_version: uuid.UUID) -> None:
    for c in captions_of(session, from_version):
        session.add(Caption(version_id=to_version, language=c.language, object_key=c.object_key, cues=c.cues,
                            text=c.text, created_by_id=c.created_by_id))
    session.flush()


def caption_object_in_use(session: Session, key: str, besides: uuid.UUID) -> bool:
    """Another caption row or version still points at the stored object (versions share captions)."""
    rows = select(func.count()).select_from(Caption).where(Caption.object_key == key, Caption.id != besides)
    versions = select(func.count()).select_from(Version).where(Version.caption_key == key)
    return bool(session.scalar(rows)) or bool(session.scalar(versions))

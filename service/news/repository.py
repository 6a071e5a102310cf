"""Newsroom queries. Live items come through `service.assets.policy.live_filter`; withdrawn items are
returned only as tombstones (id, time, status) so a syncing client learns to take them down.

Pages are read as plain rows, never as ORM objects: a 50-item page was ~150 objects hydrated into the
session's identity map per request (the largest cost of the newsroom list after the SQL itself), and an
item never writes back. One row carries the asset, its current version and its owner (one query instead
of three); renditions and subjects follow in one query each, whatever the page length."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Executable, Integer, Result, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from service.assets.policy import live_filter
from service.models import Asset, AssetTerm, Organisation, Rendition, Version, VocabularyTerm

TOMBSTONE_STATUSES = ("withdrawn",)


class ItemFacts(NamedTuple):
    """What a ninjs item shows of an asset, its current version (None fields without one) and its owner."""

    id: uuid.UUID
    kind: str
    status: str
    title: str
    summary: str
    alt_text: str
    language: str
    credit: str
    copyright_notice: str
    licence: str
    usage_terms: str
    urgent: bool
    created_at: datetime
    edited_at: datetime
    published_at: datetime | None
    expires_at: datetime | None
    current_version_id: uuid.UUID | None
    variant_of_id: uuid.UUID | None
    in_group: bool  # an original with language versions, or one of them: its group is read for associations
    version_number: int | None
    version_created_at: datetime | None
    version_media_type: str | None
    version_size: int | None
    version_filename: str | None
    version_probe: dict[str, Any] | None
    org_name: str | None
    org_code: str | None


class RenditionFacts(NamedTuple):
    version_id: uuid.UUID
    profile: str
    variant: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    duration: float | None


class TermFacts(NamedTuple):
    vocabulary: str
    code: str
    label_vi: str


_translation = aliased(Asset)
_ITEM_COLUMNS = (
    Asset.id, Asset.kind, Asset.status, Asset.title, Asset.summary, Asset.alt_text, Asset.language, Asset.credit,
    Asset.copyright_notice, Asset.licence, Asset.usage_terms, Asset.urgent, Asset.created_at, Asset.edited_at,
    Asset.published_at, Asset.expires_at, Asset.current_version_id, Asset.variant_of_id,
    or_(Asset.variant_of_id.is_not(None),
        select(_translation.id).where(_translation.variant_of_id == Asset.id).exists()).label("in_group"),
    Version.number, Version.created_at, Version.media_type, Version.size, Version.original_filename, Version.probe,
    Organisation.name, Organisation.code,
)


def _items() -> Select[Any]:
    return (select(*_ITEM_COLUMNS)
            .outerjoin(Version, Version.id == Asset.current_version_id)
            .outerjoin(Organisation, Organisation.id == Asset.owner_org_id))


def _rows(session: Session, q: Executable, params: dict[str, Any] | None = None) -> Result[Any]:
    """Plain rows through the session's connection (same transaction): the ORM's execution layer would add
    its loading context to every statement for rows that are no ORM objects."""
    return session.connection().execute(q, params)


def _facts(session: Session, q: Select[Any], params: dict[str, Any] | None = None) -> list[ItemFacts]:
    return [ItemFacts._make(row) for row in _rows(session, q, params).all()]  # one fetchall, not a fetch per row


def _syncable(now: datetime | ColumnElement[datetime], with_tombstones: bool) -> ColumnElement[bool]:
    live = live_filter(now)
    if not with_tombstones:
        return live
    return or_(live, and_(Asset.status.in_(TOMBSTONE_STATUSES), Asset.published_at.is_not(None)))


@lru_cache(maxsize=16)
def _page_statement(since: bool, kind: bool, text: bool, after: bool) -> Select[Any]:
    """The page query for one combination of filters, built once with bound parameters: building it and
    computing its cache key per request cost about as much as running it on a 50-item page."""
    q = _items().where(_syncable(bindparam("now", type_=Asset.expires_at.type), with_tombstones=since))
    if since:
        q = q.where(Asset.edited_at > bindparam("since", type_=Asset.edited_at.type))
    if kind:
        q = q.where(Asset.kind == bindparam("kind", type_=Asset.kind.type))
    if text:
        pattern = bindparam("pattern", type_=Asset.title.type)
        q = q.where(or_(func.lower(Asset.title).like(pattern), func.lower(Asset.summary).like(pattern)))
    if after:
        at, ident = bindparam("after_at", type_=Asset.edited_at.type), bindparam("after_id", type_=Asset.id.type)
        q = q.where(or_(Asset.edited_at > at, and_(Asset.edited_at == at, Asset.id > ident)))
    return q.order_by(Asset.edited_at, Asset.id).limit(bindparam("limit", type_=Integer()))


def page(session: Session, now: datetime, *, updated_since: datetime | None, after: tuple[datetime, uuid.UUID] | None,
         limit: int, kind: str | None = None, text: str | None = None) -> list[ItemFacts]:
    """Oldest change first (a client resumes from its last cursor); ties broken by id. Withdrawn items come
    only as tombstones of a sync (`updated_since`)."""
    params: dict[str, Any] = {"now": now, "limit": limit}
    if updated_since is not None:
        params["since"] = updated_since
    if kind:
        params["kind"] = kind
    if text:
        params["pattern"] = f"%{text.lower()}%"
    if after:
        params["after_at"], params["after_id"] = after
    q = _page_statement(updated_since is not None, bool(kind), bool(text), after is not None)
    return _facts(session, q, params)


def live_items(session: Session, now: datetime, ids: list[uuid.UUID]) -> list[ItemFacts]:
    """The live ones of `ids`, in the order given (search hits keep their rank)."""
    if not ids:
        return []
    q = _items().where(Asset.id.in_(bindparam("ids", expanding=True)), live_filter(now))
    rows = {r.id: r for r in _facts(session, q, {"ids": ids})}
    return [rows[i] for i in ids if i in rows]


# Built once: a page's ids go in as one expanding parameter (no statement built and no 50 values coerced into
# literals per request).
_RENDITIONS = (select(Rendition.version_id, Rendition.profile, Rendition.variant, Rendition.media_type,
                      Rendition.size, Rendition.width, Rendition.height, Rendition.duration)
               .where(Rendition.version_id.in_(bindparam("ids", expanding=True)))
               .order_by(Rendition.profile, Rendition.variant))
_TERMS = (select(AssetTerm.asset_id, VocabularyTerm.vocabulary, VocabularyTerm.code, VocabularyTerm.label_vi)
          .join(VocabularyTerm, VocabularyTerm.id == AssetTerm.term_id)
          .where(AssetTerm.asset_id.in_(bindparam("ids", expanding=True))).order_by(VocabularyTerm.position))


def rendition_facts(session: Session, version_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[RenditionFacts]]:
    out: dict[uuid.UUID, list[RenditionFacts]] = {v: [] for v in version_ids}
    if not version_ids:
        return out
    for row in _rows(session, _RENDITIONS, {"ids": version_ids}).all():
        out[row.version_id].append(RenditionFacts._make(row))
    return out


def term_facts(session: Session, asset_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[TermFacts]]:
    """Asset id → its vocabulary terms in vocabulary order (what ninjs `subjects` names)."""
    out: dict[uuid.UUID, list[TermFacts]] = {a: [] for a in asset_ids}
    if not asset_ids:
        return out
    for row in _rows(session, _TERMS, {"ids": asset_ids}).all():
        out[row.asset_id].append(TermFacts(row.vocabulary, row.code, row.label_vi))
    return out


def get_live(session: Session, now: datetime, asset_id: uuid.UUID) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.id == asset_id, live_filter(now)))


def get_any(session: Session, asset_id: uuid.UUID) -> Asset | None:
    return session.get(Asset, asset_id)


def versions(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Version]:
    if not ids:
        return {}
    # Items never show a version's OCR text or pending proposal: not read (they can be long).
    q = select(Version).where(Version.id.in_(ids)).options(defer(Version.extracted_text), defer(Version.proposed))
    return {v.id: v for v in session.scalars(q)}


def renditions(session: Session, version_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Rendition]]:
    out: dict[uuid.UUID, list[Rendition]] = {v: [] for v in version_ids}
    if not version_ids:
        return out
    q = (select(Rendition).where(Rendition.version_id.in_(version_ids)).options(defer(Rendition.extra))
         .order_by(Rendition.profile, Rendition.variant))
    for r in session.scalars(q):
        out[r.version_id].append(r)
    return out


def rendition(session: Session, version_id: uuid.UUID, profile: str, variant: str | None) -> Rendition | None:
    q = select(Rendition).where(Rendition.version_id == version_id, Rendition.profile == profile)
    if variant:
        q = q.where(Rendition.variant == variant)
    return session.scalars(q.order_by(Rendition.size.desc()).limit(1)).first()


def organisations(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(set(ids))))}

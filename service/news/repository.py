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

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import QueryableAttribute, Session, aliased, defer
from sqlalchemy.types import NullType

from service.assets.policy import live_filter
from service.core.runtime import Runtime, session_runtime
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


# A page's rows as the database driver returns them, before SQLAlchemy's per-value processing (on SQLite: ids
# as hex text, instants as text, the probe as JSON text). A newsroom page compares its inputs with the item
# cache's on every request, and the raw values decide the processed ones: comparing them skips parsing 5
# instants, 3 ids and a JSON document per row (with renditions and subjects, a quarter of the list's server
# time) for every item whose ninjs is already built. `facts` makes the processed row of one when it is needed.
RawItem = tuple[Any, ...]
RawRendition = tuple[Any, ...]


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


def _raw(column: ColumnElement[Any] | QueryableAttribute[Any]) -> ColumnElement[Any]:
    """The column without its type's result processing (see RawItem)."""
    return type_coerce(column, NullType())


def _items() -> Select[Any]:
    return (select(*(_raw(c) for c in _ITEM_COLUMNS))
            .outerjoin(Version, Version.id == Asset.current_version_id)
            .outerjoin(Organisation, Organisation.id == Asset.owner_org_id))


def _rows(session: Session, q: Executable, params: dict[str, Any] | None = None) -> CursorResult[Any]:
    """Plain rows through the session's connection (same transaction): the ORM's execution layer would add
    its loading context to every statement for rows that are no ORM objects."""
    return session.connection().execute(q, params)


def _raw_rows(session: Session, q: Executable, params: dict[str, Any] | None = None,
              columns: str | None = None) -> list[tuple[Any, ...]]:
    """Raw rows (one fetchall, not a fetch per row). With `columns` ("item", "rendition"), also learns how
    SQLAlchemy would process them on this dialect, from the result's own column types (see `_process`)."""
    result = _rows(session, q, params)
    if columns is not None:
        known = _processors(session)
        if columns not in known:
            types = [d[1] for d in result.cursor.description]
            known[columns] = tuple(c.type.dialect_impl(result.dialect).result_processor(result.dialect, t)
                                   for c, t in zip(_COLUMNS[columns], types, strict=True))
    return [tuple(row) for row in result.all()]


def _processor_table(rt: Runtime) -> dict[str, tuple[Any, ...]]:
    """Per runtime (one engine, so one dialect: they differ in storage formats and JSON decoding) and set of
    columns: the processor of each column, None where there is nothing to do."""
    return {}


def _processors(session: Session) -> dict[str, tuple[Any, ...]]:
    return session_runtime(session).adapter(_processor_table)


def _process(session: Session, columns: str, raw: tuple[Any, ...]) -> tuple[Any, ...]:
    """The processed values of a raw row read by `_raw_rows` with these `columns` on the session's dialect."""
    processors = _processors(session)[columns]
    return tuple(value if p is None or value is None else p(value) for p, value in zip(processors, raw, strict=True))


def facts(session: Session, raw: RawItem) -> ItemFacts:
    """The processed row of a raw one (typed values: UUIDs, aware datetimes, the probe as a dict)."""
    return ItemFacts._make(_process(session, "item", raw))


def rendition_facts_of(session: Session, raw: RawRendition) -> RenditionFacts:
    return RenditionFacts._make(_process(session, "rendition", raw))


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
         limit: int, kind: str | None = None, text: str | None = None) -> list[RawItem]:
    """Oldest change first (a client resumes from its last cursor); ties broken by id. Withdrawn items come
    only as tombstones of a sync (`updated_since`). Raw rows (`facts` processes one)."""
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
    return _raw_rows(session, q, params, "item")


def live_items(session: Session, now: datetime, ids: list[uuid.UUID]) -> list[RawItem]:
    """The live ones of `ids`, in the order given (search hits keep their rank), as raw rows."""
    if not ids:
        return []
    q = _items().where(Asset.id.in_(bindparam("ids", expanding=True)), live_filter(now))
    rows = {facts(session, r).id: r for r in _raw_rows(session, q, {"ids": ids}, "item")}
    return [rows[i] for i in ids if i in rows]


# Built once: a page's ids go in as one expanding parameter (no statement built and no 50 values coerced into
# literals per request).
# Renditions are read raw too, by the raw version ids of a page's rows (bound as they came: no processing).
_RENDITION_COLUMNS = (Rendition.version_id, Rendition.profile, Rendition.variant, Rendition.media_type,
                      Rendition.size, Rendition.width, Rendition.height, Rendition.duration)
# The columns of the raw statements, by the name `_raw_rows` and `_process` know them by.
_COLUMNS: dict[str, tuple[QueryableAttribute[Any] | ColumnElement[Any], ...]] = {
    "item": _ITEM_COLUMNS, "rendition": _RENDITION_COLUMNS}
_RENDITIONS = (select(*(_raw(c) for c in _RENDITION_COLUMNS))
               .where(_raw(Rendition.version_id).in_(bindparam("ids", type_=NullType(), expanding=True)))
               .order_by(Rendition.profile, Rendition.variant))
_TERMS = (select(_raw(AssetTerm.asset_id), VocabularyTerm.vocabulary, VocabularyTerm.code, VocabularyTerm.label_vi)
          .join(VocabularyTerm, VocabularyTerm.id == AssetTerm.term_id)
          .where(_raw(AssetTerm.asset_id).in_(bindparam("ids", type_=NullType(), expanding=True)))
          .order_by(VocabularyTerm.position))


def raw_renditions(session: Session, raw_version_ids: list[Any]) -> dict[Any, list[RawRendition]]:
    """Raw version id (as a raw row holds it) → its renditions' raw rows (`rendition_facts_of` processes one)."""
    out: dict[Any, list[RawRendition]] = {v: [] for v in raw_version_ids}
    if not raw_version_ids:
        return out
    for row in _raw_rows(session, _RENDITIONS, {"ids": raw_version_ids}, "rendition"):
        out[row[0]].append(row)
    return out


def raw_terms(session: Session, raw_asset_ids: list[Any]) -> dict[Any, list[TermFacts]]:
    """Raw asset id → its vocabulary terms in vocabulary order (what ninjs `subjects` names; text only)."""
    out: dict[Any, list[TermFacts]] = {a: [] for a in raw_asset_ids}
    if not raw_asset_ids:
        return out
    for row in _raw_rows(session, _TERMS, {"ids": raw_asset_ids}):
        out[row[0]].append(TermFacts(row[1], row[2], row[3]))
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

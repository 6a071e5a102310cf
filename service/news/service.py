"""Newsroom use cases: list/sync, search, read one item, hand out a signed rendition link."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from search.query import cut_query
from service.assets import variants
from service.assets.repository import GroupRef
from service.core.errors import KhoError, NotFound
from service.core.runtime import session_runtime
from service.identity.principal import Principal
from service.models.base import utcnow
from service.news import ninjs, repository
from service.news.cache import BuiltItem, ItemCache
from service.news.repository import ItemFacts, RawItem, RenditionFacts, TermFacts
from service.news.rights import delivered_copy, rights_for
from service.news.search import get_news_search
from service.usage import service as usage
from storage.http import file_title


def encode_cursor(item: ItemFacts) -> str:
    return base64.urlsafe_b64encode(f"{item.edited_at.isoformat()}|{item.id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if not cursor:
        return None
    try:
        stamp, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(stamp), uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KhoError("validation_failed", reason="invalid cursor") from exc


_ID, _STATUS, _VERSION, _NUMBER, _IN_GROUP = (ItemFacts._fields.index(f) for f in (
    "id", "status", "current_version_id", "version_number", "in_group"))


def _build(row: ItemFacts, renditions: list[RenditionFacts], terms: list[TermFacts],
           others: tuple[GroupRef, ...]) -> dict[str, Any]:
    item = ninjs.to_ninjs(row, renditions, terms)
    if others:
        item["associations"] = ninjs.language_versions(others)
    return item


def frozen(item: dict[str, Any], pulled: tuple[str, str | None] | None) -> BuiltItem:
    """An item as the bytes a page or a single read sends (compact JSON, keys sorted)."""
    raw = orjson.dumps(item, option=orjson.OPT_SORT_KEYS)
    stamp = item.get("versioncreated")
    return BuiltItem(raw, hashlib.sha256(raw).digest(),
                     datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None, pulled)


def built_items(session: Session, rows: list[RawItem], cache: ItemCache) -> list[BuiltItem]:
    """The page's items as JSON bytes, each taken from `cache` when everything it is built from — read from
    the database just now, compared as the raw values the driver returned — is what it was built from last
    time (see `service.news.cache`); built from the processed row otherwise. At most three more queries:
    renditions, subjects, and the language groups when a row belongs to one (the other live members)."""
    base = ninjs.base_url()
    renditions = repository.raw_renditions(session, [r[_VERSION] for r in rows
                                                     if r[_VERSION] is not None and r[_NUMBER] is not None])
    terms = repository.raw_terms(session, [r[_ID] for r in rows])
    grouped = {r[_ID]: repository.facts(session, r) for r in rows if r[_IN_GROUP] and r[_STATUS] == "published"}
    groups = variants.live_groups(session, list(grouped.values()), utcnow()) if grouped else {}
    out = []
    for raw in rows:
        own = tuple(renditions.get(raw[_VERSION], ())) if raw[_VERSION] is not None else ()
        subjects = tuple(terms.get(raw[_ID], ()))
        member = grouped.get(raw[_ID])
        others = tuple(m for m in groups.get(member.id, ()) if m.id != member.id) if member else ()
        # The whole input of the build (a member's status never shows).
        inputs = (base, raw, own, subjects, tuple((m.id, m.language, m.kind, m.title) for m in others))
        built = cache.get(raw[_ID], inputs)
        if built is None:
            row = member or repository.facts(session, raw)
            item = _build(row, [repository.rendition_facts_of(session, r) for r in own], list(subjects), others)
            built = frozen(item, (row.id.hex, row.current_version_id.hex if row.current_version_id else None)
                           if row.status == "published" else None)
            cache.put(raw[_ID], inputs, built)
        out.append(built)
    return out


def _pulled(session: Session, principal: Principal, items: list[BuiltItem]) -> None:
    """The page's pull, from the ids its items keep in hex (tombstones are no pull). Written last, in one
    statement: on SQLite the write lock is then held only until the commit that follows, not while the page
    is built (concurrent clients queued behind it)."""
    usage.record_pulled("api_pull", principal, session, [i.pulled for i in items if i.pulled is not None],
                        channel="api")


def list_items(session: Session, principal: Principal, cache: ItemCache, *, updated_since: datetime | None,
               cursor: str | None, limit: int, kind: str | None) -> tuple[list[BuiltItem], str | None]:
    rows = repository.page(session, utcnow(), updated_since=updated_since, after=decode_cursor(cursor),
                           limit=limit + 1, kind=kind)
    more = len(rows) > limit
    rows = rows[:limit]
    items = built_items(session, rows, cache)
    _pulled(session, principal, items)
    return items, encode_cursor(repository.facts(session, rows[-1])) if more and rows else None


def search_items(session: Session, principal: Principal, cache: ItemCache, *, query: str, kind: str | None,
                 offset: int, limit: int) -> list[BuiltItem]:
    rows = get_news_search().search(session, utcnow(), cut_query(query), kind=kind, offset=offset, limit=limit)
    items = built_items(session, rows, cache)
    _pulled(session, principal, items)
    return items


def get_item(session: Session, principal: Principal, cache: ItemCache, asset_id: uuid.UUID) -> BuiltItem:
    rows = repository.live_items(session, utcnow(), [asset_id])
    if not rows:
        gone = repository.get_any(session, asset_id)
        if gone is not None and gone.status == "withdrawn" and gone.published_at is not None:
            return frozen(ninjs.tombstone(gone), None)
        raise NotFound(what="tin bài / news item")
    items = built_items(session, rows, cache)
    _pulled(session, principal, items)
    return items[0]


@dataclass(frozen=True)
class SignedLink:
    href: str
    expires_at: datetime
    content_type: str
    size: int


def rendition_link(session: Session, principal: Principal | None, asset_id: uuid.UUID, profile: str,
                   variant: str | None, channel: str = "api", method: str = "GET") -> SignedLink:
    """A time-limited URL (presigned on S3, /objects/{token} locally) to the rights-stamped file. A link
    for HEAD (a podcast app checking an enclosure) is valid for HEAD and is no download."""
    asset = repository.get_live(session, utcnow(), asset_id)
    if asset is None or asset.current_version_id is None:
        gone = repository.get_any(session, asset_id)
        if gone is not None and gone.status == "withdrawn":
            raise KhoError("invalid_state", status=410, action="tải về / download", state=gone.status,
                           extra={"reason": gone.withdrawn_reason})
        raise NotFound(what="tin bài / news item")
    version = repository.versions(session, [asset.current_version_id])[asset.current_version_id]
    rendition = None
    if profile == "original":
        key, size, media_type, name = version.object_key, version.size, version.media_type, version.original_filename
    else:
        rendition = repository.rendition(session, version.id, profile, variant)
        if rendition is None:
            raise NotFound(what=f"bản {profile} / rendition {profile}")
        key, size, media_type = rendition.object_key, rendition.size, rendition.media_type
        name = f"{file_title(asset.title)} - {profile}{' ' + rendition.variant if rendition.variant else ''}"
    org = repository.organisations(session, [asset.owner_org_id]).get(asset.owner_org_id)
    rt = session_runtime(session)
    store = rt.store
    copy = delivered_copy(rt, source_key=key, size=size, media_type=media_type,
                          rights=rights_for(asset, org.name if org else ""))
    ttl = rt.download_ttl
    href = store.download_url(copy.key, expires=ttl, filename=_filename(name, copy.media_type),
                              content_type=copy.media_type, method=method)
    if href.startswith("/"):
        href = ninjs.base_url() + href
    if method == "GET":
        usage.record("download", principal, session=session, asset_id=asset.id, version_id=version.id,
                     rendition=rendition, profile=profile, channel=channel, bytes_sent=copy.size)
    return SignedLink(href, utcnow() + ttl, copy.media_type, copy.size)


def _filename(name: str, media_type: str) -> str:
    ext = mimetypes.guess_extension(media_type) or ""
    return name if ext and name.lower().endswith(ext) else f"{name}{ext}"

"""`/api/v1/news/…`: the newsroom API for API-key clients (ninjs 2.1, signed downloads, rate limits)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from service.assets.schemas import Kind
from service.core.runtime import runtime_of
from service.http.conditional import http_date, not_modified
from service.http.deps import READ_SCOPE, DownloadPrincipal, SessionDep, in_one_hop
from service.http.methods import asked_for
from service.news import service as news
from service.news.cache import BuiltItem, ItemCache, item_cache
from service.news.schemas import ITEM_RESPONSES, LINK_RESPONSES, PAGE_RESPONSES, NewsPage, SignedLinkOut

router = APIRouter(prefix="/api/v1/news", tags=["newsroom"])


# The request was counted against its key's limit once, by the ops middleware (the key's own contracted
# limit under the global ceiling); the newsroom answers only repeat that decision in RateLimit-* headers.
Downloader = DownloadPrincipal


def _rate_headers(request: Request) -> dict[str, str]:
    counted = getattr(request.state, "rate_limit", None)
    if counted is None:  # rate limits switched off
        return {}
    per_minute, decision = counted
    return {"RateLimit-Limit": str(per_minute), "RateLimit-Remaining": str(decision.remaining)}


def _answer(request: Request, raw: bytes, modified: datetime | None, digest: str | None = None) -> Response:
    """`raw` with its ETag (by default a hash of the bytes; `digest` when the caller has one of them)."""
    etag = '"' + (digest or hashlib.sha256(raw).hexdigest()[:32]) + '"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=0, must-revalidate",
               **_rate_headers(request)}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(raw, media_type="application/json", headers=headers)


def _page(request: Request, items: list[BuiltItem], next_cursor: str | None) -> Response:
    """The compact, key-sorted JSON (orjson) of {"items": [...], "next_cursor": ...}, joined from items already
    serialised with sorted keys ("items" sorts before "next_cursor"). Its ETag hashes the items' own digests
    and the cursor: the page's bytes are a function of those, so it changes whenever they do."""
    tail = b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"
    raw = b'{"items":[' + b",".join(i.raw for i in items) + tail
    digest = hashlib.sha256(b"".join(i.digest for i in items) + tail).hexdigest()[:32]
    return _answer(request, raw, max((i.stamp for i in items if i.stamp is not None), default=None), digest)


def _cache(request: Request) -> ItemCache:
    return item_cache(runtime_of(request))


@router.get("/items", response_model=NewsPage, responses=PAGE_RESPONSES,
            summary="List or sync published items (oldest change first)")
async def list_items(request: Request,
                     updated_since: Annotated[datetime | None, Query(
                         description="only items changed after this instant; includes withdrawn tombstones")] = None,
                     kind: Kind | None = None, cursor: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    cache = _cache(request)
    items, next_cursor = await in_one_hop(request, READ_SCOPE, lambda session, principal: news.list_items(
        session, principal, cache, updated_since=updated_since, cursor=cursor, limit=limit, kind=kind))
    return _page(request, items, next_cursor)


@router.get("/search", response_model=NewsPage, responses=PAGE_RESPONSES, summary="Search published items")
async def search_items(request: Request,
                       q: Annotated[str, Query(min_length=1, description="longer than 300 characters: searched "
                                               "by its beginning, cut at a word boundary")],
                       kind: Kind | None = None,
                       offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    cache = _cache(request)
    items = await in_one_hop(request, READ_SCOPE, lambda session, principal: news.search_items(
        session, principal, cache, query=q, kind=kind, offset=offset, limit=limit))
    return _page(request, items, None)


@router.get("/items/{asset_id}", responses=ITEM_RESPONSES, summary="One item in ninjs 2.1")
async def get_item(asset_id: uuid.UUID, request: Request) -> Response:
    cache = _cache(request)
    item = await in_one_hop(request, READ_SCOPE, lambda session, principal: news.get_item(
        session, principal, cache, asset_id))
    return _answer(request, item.raw, item.stamp)


@router.get("/items/{asset_id}/renditions/{profile}", responses=LINK_RESPONSES, response_model=SignedLinkOut,
            summary="Download a rendition (or 'original') through a time-limited signed URL")
def download_rendition(asset_id: uuid.UUID, profile: str, request: Request, principal: Downloader,
                       session: SessionDep, variant: str | None = None, redirect: bool = True) -> Response:
    link = news.rendition_link(session, principal, asset_id, profile, variant, method=asked_for(request))
    headers = {"Cache-Control": "no-store", **_rate_headers(request)}
    if redirect:
        return RedirectResponse(link.href, status_code=307, headers=headers)
    body = {"href": link.href, "expires_at": link.expires_at.isoformat().replace("+00:00", "Z"),
            "contenttype": link.content_type, "sizeinbytes": link.size}
    return JSONResponse(body, headers=headers)

"""`/feeds/…`: public Atom, podcast RSS and JSON Feed of published assets (an API key, when sent,
attributes the fetch to its organisation in the usage statistics)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from service.core.runtime import Runtime
from service.feeds import service as feeds
from service.feeds.repository import FeedFilter
from service.http.conditional import not_modified
from service.http.deps import RuntimeDep, SessionDep, get_principal
from service.http.methods import asked_for
from service.identity.principal import Principal
from service.news.ninjs import base_url
from transcoding.rights import podcast_artwork

router = APIRouter(prefix="/feeds", tags=["feeds"])
MEDIA = {"atom": "application/atom+xml; charset=utf-8", "json": "application/feed+json; charset=utf-8",
         "podcast": "application/rss+xml; charset=utf-8"}


def optional_principal(request: Request, session: SessionDep) -> Principal | None:
    if "authorization" not in request.headers:
        return None
    return get_principal(request, session)


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


def _serve(request: Request, session: Session, rt: Runtime, principal: Principal | None, fmt: str,
           f: FeedFilter) -> Response:
    feeds.parse_kind(f.kind)
    body = feeds.build(session, rt, principal, fmt, f, base_url() + request.url.path +
                       (f"?{request.url.query}" if request.url.query else ""))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA[fmt], headers=headers)


# Feeds are XML/JSON Feed documents, not the API's JSON: the schema says so (clients and fuzzers check it).
ATOM: dict[int | str, dict[str, Any]] = {200: {"content": {"application/atom+xml": {}}, "description": "Atom feed"},
                                        304: {"description": "Not modified"}}
RSS: dict[int | str, dict[str, Any]] = {200: {"content": {"application/rss+xml": {}}, "description": "RSS feed"},
                                       304: {"description": "Not modified"}}
JSON_FEED: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/feed+json": {}}, "description": "JSON Feed 1.1"},
    304: {"description": "Not modified"}}


@router.get("/atom", responses=ATOM, response_class=Response,
            summary="Atom feed, optionally filtered by topic, audience, organisation (subtree) and kind")
def atom_feed(request: Request, session: SessionDep, rt: RuntimeDep, principal: MaybePrincipal,
              topic: str | None = None, audience: str | None = None, org: str | None = None,
              kind: str | None = None) -> Response:
    return _serve(request, session, rt, principal, "atom", FeedFilter(topic, audience, org, kind))


@router.get("/topics/{code}.atom", responses=ATOM, response_class=Response, summary="Atom feed of one topic")
def topic_feed(code: str, request: Request, session: SessionDep, rt: RuntimeDep, principal: MaybePrincipal) -> Response:
    return _serve(request, session, rt, principal, "atom", FeedFilter(topic=code))


@router.get("/audiences/{code}.atom", responses=ATOM, response_class=Response, summary="Atom feed of one audience")
def audience_feed(code: str, request: Request, session: SessionDep, rt: RuntimeDep,
                  principal: MaybePrincipal) -> Response:
    return _serve(request, session, rt, principal, "atom", FeedFilter(audience=code))


@router.get("/orgs/{code}.atom", responses=ATOM, response_class=Response,
            summary="Atom feed of one organisation and the units below it")
def org_feed(code: str, request: Request, session: SessionDep, rt: RuntimeDep, principal: MaybePrincipal) -> Response:
    return _serve(request, session, rt, principal, "atom", FeedFilter(org_code=code))


@router.get("/kinds/{kind}.atom", responses=ATOM, response_class=Response, summary="Atom feed of one asset kind")
def kind_feed(kind: str, request: Request, session: SessionDep, rt: RuntimeDep, principal: MaybePrincipal) -> Response:
    return _serve(request, session, rt, principal, "atom", FeedFilter(kind=kind))


@router.get("/feed.json", responses=JSON_FEED, response_class=Response,
            summary="JSON Feed 1.1 (same filters as /feeds/atom)")
def json_feed(request: Request, session: SessionDep, rt: RuntimeDep, principal: MaybePrincipal,
              topic: str | None = None, audience: str | None = None, org: str | None = None,
              kind: str | None = None) -> Response:
    return _serve(request, session, rt, principal, "json", FeedFilter(topic, audience, org, kind))


@router.get("/podcast.rss", responses=RSS, response_class=Response,
            summary="Podcast RSS (Apple itunes: tags, Podcasting 2.0)")
def podcast_feed(request: Request, session: SessionDep, rt: RuntimeDep, principal: MaybePrincipal,
                 topic: str | None = None, org: str | None = None) -> Response:
    return _serve(request, session, rt, principal, "podcast", FeedFilter(topic=topic, org_code=org))


@router.get("/podcast/cover.jpg", include_in_schema=False)
def podcast_cover() -> Response:
    return Response(podcast_artwork("Podcast Nghị quyết 71 — Kho Truyền Thông"), media_type="image/jpeg",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/podcast/{asset_id}.mp3", summary="Episode audio (redirect to a fresh signed URL)")
def enclosure(asset_id: uuid.UUID, request: Request, session: SessionDep, principal: MaybePrincipal) -> Response:
    return RedirectResponse(feeds.enclosure_url(session, principal, asset_id, asked_for(request)), status_code=302)


@router.get("/podcast/{asset_id}.vtt", summary="Episode transcript (WebVTT)")
def transcript(asset_id: uuid.UUID, request: Request, session: SessionDep, rt: RuntimeDep) -> Response:
    return RedirectResponse(feeds.transcript_url(session, rt, asset_id, asked_for(request)), status_code=302)

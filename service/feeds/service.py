"""Feed use cases: build entries from live assets (+ recent withdrawals), render, serve enclosures."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.core.errors import KhoError, NotFound
from service.core.runtime import Runtime
from service.feeds import atom, jsonfeed, podcast, repository
from service.feeds.model import Category, Enclosure, Entry, FeedMeta
from service.feeds.repository import FeedFilter
from service.http import urls
from service.identity.principal import Principal
from service.models import Asset, Organisation, Rendition
from service.models.asset import ASSET_KINDS
from service.models.base import utcnow
from service.news import repository as news_repo
from service.news import service as news
from service.news.rights import delivered_copy, rights_for
from service.usage import service as usage
from service.vocab import repository as vocab_repo
from transcoding.rights import DeliveryRights

FEED_SIZE = 50
TOMBSTONE_DAYS = 30
PUBLISHER = "Bộ Giáo dục và Đào tạo — Kho Truyền Thông"
OWNER_EMAIL = "truyenthong@moet.gov.vn"
DEFAULT_LICENCE = "© Bộ Giáo dục và Đào tạo. Được sử dụng cho mục đích tuyên truyền, ghi rõ nguồn."
# The episode file, best first: the enclosure URL ends in .mp3 and podcast apps expect what it says.
EPISODE_RENDITIONS = (("podcast", "mp3-128k"), ("podcast", None), ("loudspeaker", None))
EPISODE_TYPE = "audio/mpeg"


def episode_rendition(rows: list[Rendition]) -> Rendition | None:
    """The MP3 rendition an episode is served as; None until processing made one with a real duration
    (an episode is not listed before its file exists: apps would show 00:00:00 and a broken download)."""
    for profile, variant in EPISODE_RENDITIONS:
        for r in rows:
            if (r.profile == profile and (variant is None or r.variant == variant) and r.media_type == EPISODE_TYPE
                    and r.duration and r.duration > 0):
                return r
    return None


def _enclosure(rt: Runtime, asset: Asset, rows: list[Rendition], rights: DeliveryRights) -> Enclosure | None:
    """Length and type of the very bytes the enclosure URL serves: the rights-stamped copy."""
    rendition = episode_rendition(rows)
    if rendition is None:
        return None
    copy = delivered_copy(rt, source_key=rendition.object_key, size=rendition.size,
                          media_type=rendition.media_type, rights=rights)
    return Enclosure(urls.podcast_episode(asset.id), copy.size, copy.media_type, rendition.duration)


def _entries(session: Session, rt: Runtime, assets: list[Asset]) -> list[Entry]:
    versions = news_repo.versions(session, [a.current_version_id for a in assets if a.current_version_id])
    renditions = news_repo.renditions(session, list(versions))
    terms = vocab_repo.terms_of_assets(session, [a.id for a in assets])
    orgs: dict[uuid.UUID, Organisation] = news_repo.organisations(session, [a.owner_org_id for a in assets])
    out = []
    for a in assets:
        version = versions.get(a.current_version_id) if a.current_version_id else None
        org = orgs.get(a.owner_org_id)
        rows = renditions.get(version.id, []) if version else []
        enclosure = (_enclosure(rt, a, rows, rights_for(a, org.name if org else ""))
                     if a.kind == "podcast" and a.status == "published" else None)
        out.append(Entry(
            asset_id=str(a.id), id=f"urn:uuid:{a.id}", title=a.title, summary=a.summary,
            url=urls.asset_page(a.id), api_url=urls.news_item(a.id), author=org.name if org else PUBLISHER,
            published=a.published_at or a.created_at, updated=a.edited_at, rights=a.copyright_notice,
            licence=a.licence, kind=a.kind,
            categories=[Category(t.code, urls.vocabulary(t.vocabulary), t.label_vi) for t in terms.get(a.id, [])
                        if t.vocabulary in ("topic", "audience")],
            enclosure=enclosure,
            transcript_url=urls.podcast_transcript(a.id) if version and version.caption_key else None,
            withdrawn_reason=a.withdrawn_reason))
    return out


def _meta(f: FeedFilter, self_url: str, entries: list[Entry], title: str) -> FeedMeta:
    updated = max([e.updated for e in entries], default=datetime(2026, 1, 1, tzinfo=utcnow().tzinfo))
    return FeedMeta(id=f"urn:kho:feed:{f.topic or '-'}:{f.audience or '-'}:{f.org_code or '-'}:{f.kind or '-'}",
                    title=title, description="Sản phẩm truyền thông Nghị quyết 71-NQ/TW đã được phê duyệt.",
                    self_url=self_url, home_url=urls.home(), author=PUBLISHER, updated=updated)


def _title(f: FeedFilter) -> str:
    parts = [p for p in (f.topic and f"chủ đề {f.topic}", f.audience and f"đối tượng {f.audience}",
                         f.org_code and f"đơn vị {f.org_code}", f.kind and f"loại {f.kind}") if p]
    return "Kho Truyền Thông" + (" — " + ", ".join(parts) if parts else "")


def build(session: Session, rt: Runtime, principal: Principal | None, fmt: str, f: FeedFilter,
          self_url: str) -> bytes:
    if f.org_code and not repository.org_exists(session, f.org_code):
        raise NotFound(what="đơn vị / organisation")
    now = utcnow()
    if fmt == "podcast":
        f = FeedFilter(f.topic, f.audience, f.org_code, "podcast")
    live = _entries(session, rt, repository.live(session, now, f, FEED_SIZE))
    if fmt == "podcast":
        meta = _meta(f, self_url, live, "Podcast Nghị quyết 71 — Kho Truyền Thông")
        body = podcast.render(meta, live, owner_email=OWNER_EMAIL, licence=DEFAULT_LICENCE,
                              image_url=urls.podcast_cover())
    else:
        gone = _entries(session, rt, repository.withdrawn_since(session, now - timedelta(days=TOMBSTONE_DAYS), f,
                                                            FEED_SIZE))
        meta = _meta(f, self_url, live + gone, _title(f))
        body = atom.render(meta, live, gone) if fmt == "atom" else jsonfeed.render(meta, live, gone)
    # Last: the write (and on SQLite its lock) lasts only until the request's commit, not the rendering.
    usage.record("feed_fetch", principal, session=session, channel=f"feed-{fmt}")
    return body


def enclosure_url(session: Session, principal: Principal | None, asset_id: uuid.UUID, method: str = "GET") -> str:
    """A fresh signed link to the rights-stamped episode (feeds need stable URLs, links expire)."""
    asset = news_repo.get_live(session, utcnow(), asset_id)
    if asset is None or asset.kind != "podcast":
        raise NotFound(what="tập podcast / episode")
    version = repository.current_version(session, asset)
    rendition = episode_rendition(news_repo.renditions(session, [version.id])[version.id] if version else [])
    if rendition is None:
        raise NotFound(what="tệp âm thanh / audio file")
    link = news.rendition_link(session, principal, asset_id, rendition.profile, rendition.variant,
                               channel="podcast", method=method)
    return link.href


def transcript_url(session: Session, rt: Runtime, asset_id: uuid.UUID, method: str = "GET") -> str:
    asset = news_repo.get_live(session, utcnow(), asset_id)
    version = repository.current_version(session, asset) if asset else None
    if version is None or not version.caption_key:
        raise NotFound(what="bản ghi lời / transcript")
    return rt.store.download_url(version.caption_key, expires=rt.download_ttl, filename=f"{asset_id}.vtt",
                                    content_type="text/vtt", method=method)


def parse_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in ASSET_KINDS:
        raise KhoError("validation_failed", status=422, reason=f"kind must be one of {', '.join(ASSET_KINDS)}")
    return kind

"""Feed use cases: build entries from live assets (+ recent withdrawals), render, serve enclosures."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.errors import KhoError, NotFound
from service.feeds import atom, jsonfeed, podcast, repository
from service.feeds.model import Category, Enclosure, Entry, FeedMeta
from service.feeds.repository import FeedFilter
from service.models import Asset, Organisation, Rendition, Version
from service.models.base import utcnow
from service.news import ninjs
from service.news import repository as news_repo
from service.news import service as news
from service.runtime import download_ttl, get_store
from service.usage import service as usage
from service.vocab import repository as vocab_repo

FEED_SIZE = 50
TOMBSTONE_DAYS = 30
PUBLISHER = "Bộ Giáo dục và Đào tạo — Kho Truyền Thông"
OWNER_EMAIL = "truyenthong@moet.gov.vn"
DEFAULT_LICENCE = "© Bộ Giáo dục và Đào tạo. Được sử dụng cho mục đích tuyên truyền, ghi rõ nguồn."
AUDIO_PROFILES = ("podcast", "loudspeaker")


def _audio(version: Version | None, rows: list[Rendition]) -> tuple[str, int, str, float | None] | None:
    """(profile, size, media type, duration) of the episode file: the podcast rendition, else MP3 original."""
    for profile in AUDIO_PROFILES:
        for r in rows:
            if r.profile == profile and r.media_type.startswith("audio/"):
                return r.profile, r.size, r.media_type, r.duration
    if version is not None and version.media_type == "audio/mpeg":
        duration = version.probe.get("duration") if version.probe else None
        return "original", version.size, version.media_type, duration if isinstance(duration, float | int) else None
    return None


def _entries(session: Session, assets: list[Asset]) -> list[Entry]:
    base = ninjs.base_url()
    versions = news_repo.versions(session, [a.current_version_id for a in assets if a.current_version_id])
    renditions = news_repo.renditions(session, list(versions))
    terms = vocab_repo.terms_of_assets(session, [a.id for a in assets])
    orgs: dict[uuid.UUID, Organisation] = news_repo.organisations(session, [a.owner_org_id for a in assets])
    out = []
    for a in assets:
        version = versions.get(a.current_version_id) if a.current_version_id else None
        audio = _audio(version, renditions.get(version.id, []) if version else []) if a.kind == "podcast" else None
        org = orgs.get(a.owner_org_id)
        out.append(Entry(
            asset_id=str(a.id), id=f"urn:uuid:{a.id}", title=a.title, summary=a.summary,
            url=f"{base}/assets/{a.id}", api_url=ninjs.item_uri(a.id), author=org.name if org else PUBLISHER,
            published=a.published_at or a.created_at, updated=a.updated_at, rights=a.copyright_notice,
            licence=a.licence, kind=a.kind,
            categories=[Category(t.code, f"{base}/vocab/{t.vocabulary}", t.label_vi) for t in terms.get(a.id, [])
                        if t.vocabulary in ("topic", "audience")],
            enclosure=Enclosure(f"{base}/feeds/podcast/{a.id}.mp3", audio[1], audio[2], audio[3]) if audio else None,
            transcript_url=f"{base}/feeds/podcast/{a.id}.vtt" if version and version.caption_key else None,
            withdrawn_reason=a.withdrawn_reason))
    return out


def _meta(f: FeedFilter, self_url: str, entries: list[Entry], title: str) -> FeedMeta:
    updated = max([e.updated for e in entries], default=datetime(2026, 1, 1, tzinfo=utcnow().tzinfo))
    return FeedMeta(id=f"urn:kho:feed:{f.topic or '-'}:{f.audience or '-'}:{f.org_code or '-'}:{f.kind or '-'}",
                    title=title, description="Sản phẩm truyền thông Nghị quyết 71-NQ/TW đã được phê duyệt.",
                    self_url=self_url, home_url=ninjs.base_url(), author=PUBLISHER, updated=updated)


def _title(f: FeedFilter) -> str:
    parts = [p for p in (f.topic and f"chủ đề {f.topic}", f.audience and f"đối tượng {f.audience}",
                         f.org_code and f"đơn vị {f.org_code}", f.kind and f"loại {f.kind}") if p]
    return "Kho Truyền Thông" + (" — " + ", ".join(parts) if parts else "")


def build(session: Session, principal: Principal | None, fmt: str, f: FeedFilter, self_url: str) -> bytes:
    if f.org_code and not repository.org_exists(session, f.org_code):
        raise NotFound(what="đơn vị / organisation")
    now = utcnow()
    if fmt == "podcast":
        f = FeedFilter(f.topic, f.audience, f.org_code, "podcast")
    live = _entries(session, repository.live(session, now, f, FEED_SIZE))
    usage.record("feed_fetch", principal, channel=f"feed-{fmt}")
    if fmt == "podcast":
        meta = _meta(f, self_url, live, "Podcast Nghị quyết 71 — Kho Truyền Thông")
        return podcast.render(meta, live, owner_email=OWNER_EMAIL, licence=DEFAULT_LICENCE,
                              image_url=f"{ninjs.base_url()}/feeds/podcast/cover.jpg")
    gone = _entries(session, repository.withdrawn_since(session, now - timedelta(days=TOMBSTONE_DAYS), f, FEED_SIZE))
    meta = _meta(f, self_url, live + gone, _title(f))
    return atom.render(meta, live, gone) if fmt == "atom" else jsonfeed.render(meta, live, gone)


def enclosure_url(session: Session, principal: Principal | None, asset_id: uuid.UUID) -> str:
    """A fresh signed link to the rights-stamped episode (feeds need stable URLs, links expire)."""
    asset = news_repo.get_live(session, utcnow(), asset_id)
    if asset is None or asset.kind != "podcast":
        raise NotFound(what="tập podcast / episode")
    version = repository.current_version(session, asset)
    audio = _audio(version, news_repo.renditions(session, [version.id])[version.id] if version else [])
    if audio is None:
        raise NotFound(what="tệp âm thanh / audio file")
    link = news.rendition_link(session, principal, asset_id, audio[0], None, channel="podcast")
    return link.href


def transcript_url(session: Session, asset_id: uuid.UUID) -> str:
    asset = news_repo.get_live(session, utcnow(), asset_id)
    version = repository.current_version(session, asset) if asset else None
    if version is None or not version.caption_key:
        raise NotFound(what="bản ghi lời / transcript")
    return get_store().download_url(version.caption_key, expires=download_ttl(), filename=f"{asset_id}.vtt",
                                    content_type="text/vtt")


def parse_kind(kind: str | None) -> str | None:
    from service.models.asset import ASSET_KINDS

    if kind is not None and kind not in ASSET_KINDS:
        raise KhoError("validation_failed", status=422, reason=f"kind must be one of {', '.join(ASSET_KINDS)}")
    return kind

"""What a page plays or shows of an asset (the player area of the asset and review pages): video with HLS
started on play, audio with its waveform, document pages, the Q&A set as readers see it, and every
published file with a human label instead of its variant code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.assets.schemas import AssetOut
from service.core.errors import KhoError
from service.identity.principal import Principal
from service.qa import service as qa
from service.qa.schemas import QaSetOut
from service.renditions import hls
from service.renditions.schemas import RenditionOut
from web.present import STREAM_ONLY, ProfileDownloads, by_output
from web.render import _duration, _filesize

FORMATS = {  # media type → (vi, en) of what the file is, for a person
    "image/jpeg": ("ảnh JPEG", "JPEG image"), "image/webp": ("ảnh WebP", "WebP image"),
    "image/png": ("ảnh PNG", "PNG image"), "video/mp4": ("video MP4", "MP4 video"),
    "audio/mpeg": ("âm thanh MP3", "MP3 audio"), "audio/mp4": ("âm thanh M4A", "M4A audio"),
    "audio/wav": ("âm thanh WAV", "WAV audio"), "audio/x-wav": ("âm thanh WAV", "WAV audio"),
    "application/pdf": ("tài liệu PDF", "PDF document"), "text/vtt": ("phụ đề WebVTT", "WebVTT captions"),
    "application/zip": ("gói ZIP", "ZIP package"), "text/plain": ("văn bản", "text"),
}


def _find(groups: list[ProfileDownloads], *wanted: tuple[str, str]) -> str | None:
    by_key = by_output([r for g in groups for r in g.choices])
    for key in wanted:
        if key in by_key:
            return by_key[key].signed_url
    return None


def media(groups: list[ProfileDownloads], stream: hls.HlsMedia) -> dict[str, object]:
    """The player's sources. Nothing here is fetched by the browser before the person presses play,
    except the poster (video) and the waveform (audio)."""
    every = [r for g in groups for r in g.choices]
    pages = sorted((r for r in every if r.profile == "document-preview" and r.variant.startswith("thumbnails-")),
                   key=lambda r: r.variant)
    return {
        "image": _find(groups, ("web-image", "webp-1600"), ("web-image", "webp-800"), ("web-image", "jpeg-1600"),
                       ("document-preview", "preview")),
        "gallery": [(r.signed_url, r.width, r.height, r.variant) for r in every
                    if r.profile == "web-image" and r.media_type == "image/webp"],
        "video": _find(groups, ("web-mp4", "720p")),
        "poster": _find(groups, ("web-mp4", "poster")),
        "audio": _find(groups, ("podcast", "mp3-128k"), ("loudspeaker", "mp3-mono")),
        "waveform": _find(groups, ("podcast", "waveform")),
        "hls": stream.master_url,
        "captions": stream.captions,
        "pages": [(r.signed_url, r.width, r.height) for r in pages],
    }


def qa_set(session: Session, principal: Principal, asset: AssetOut) -> QaSetOut | None:
    """The items of a Q&A set as the service reads them (answers are sanitised HTML), None otherwise."""
    if asset.kind != "qa_set" or asset.current_version is None:
        return None
    try:
        return qa.get_qa(session, principal, asset.id)
    except KhoError:
        return None


@dataclass(frozen=True)
class Published:
    """One file that publication will hand out, said the way a person says it."""

    rendition: RenditionOut
    channel_label: str  # the profile's label: "Zalo OA", "Podcast", ...
    what: str  # "ảnh JPEG 1200×630 · 210,3 KB"
    is_image: bool


def describe(r: RenditionOut, lang: str) -> str:
    vi_en = FORMATS.get(r.media_type)
    kind = (vi_en[0] if lang == "vi" else vi_en[1]) if vi_en else r.media_type.split("/")[-1].upper()
    parts = [kind]
    if r.width and r.height:
        parts[0] += f" {r.width}×{r.height}"
    if r.duration:
        parts.append(_duration(r.duration))
    parts.append(_filesize(r.size))
    return " · ".join(parts)


def published(groups: list[ProfileDownloads], lang: str) -> list[Published]:
    """Every file of every channel, streaming parts and page thumbnails left out (they belong to players)."""
    out = []
    for g in groups:
        for r in g.choices:
            if r.media_type in STREAM_ONLY or r.variant == "sprite" or r.variant.startswith("thumbnails-"):
                continue
            label = (r.label_vi if lang == "vi" else r.label_en) or g.label
            out.append(Published(r, label, describe(r, lang), r.media_type.startswith("image/")))
    return out

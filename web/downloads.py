"""The download panel of the asset page: "Đăng ở đâu?" — one recommended file per channel with a label a
person understands (what it is, format, size, what it is for), every other file under "Tất cả các bản",
and for social channels a caption with hashtags ready to copy. Which file suits which channel is data
(transcoding/channels.yaml, checked against the platform profiles); nothing here decides who may see what."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.assets.schemas import AssetOut
from service.renditions.schemas import RenditionOut
from storage.http import ascii_fold
from transcoding.channels import Channel, channels
from web.present import ProfileDownloads, by_output, profile_labels
from web.render import env

FIXED_HASHTAGS = ("#NghiQuyet71", "#GiaoDuc")
_MAX_HASHTAGS = 6
_WHAT = {"image": ("Ảnh", "Picture"), "video": ("Video", "Video"), "audio": ("Âm thanh", "Audio"),
         "application/pdf": ("Tài liệu PDF", "PDF document")}
_FORMATS = {"image/jpeg": "JPEG", "image/webp": "WebP", "image/png": "PNG", "image/tiff": "TIFF",
            "application/pdf": "PDF", "video/mp4": "MP4", "audio/mpeg": "MP3", "audio/mp4": "M4A",
            "application/json": "JSON", "text/html": "HTML"}


@dataclass(frozen=True)
class FileChoice:
    url: str
    what: str  # "Ảnh JPEG · 1080×1350 · 245 KB"
    purpose: str  # what it is for
    rendition_id: str


@dataclass(frozen=True)
class ChannelPanel:
    code: str
    label: str
    file: FileChoice | None
    caption: str | None  # social channels only


def describe(r: RenditionOut, lang: str) -> str:
    """What a file is, in words: kind of file, format, pixel size or duration, weight."""
    base = r.media_type.split(";")[0]
    what = _WHAT.get(base) or _WHAT.get(base.split("/")[0]) or ("Tệp", "File")
    parts = [f"{what[0] if lang == 'vi' else what[1]} {_FORMATS.get(base, base.split('/')[-1].upper())}"]
    if r.width and r.height:
        parts.append(f"{r.width}×{r.height}")
    if r.duration:
        minutes, seconds = divmod(round(r.duration), 60)
        parts.append(f"{minutes}:{seconds:02d}")
    parts.append(str(env.filters["filesize"](r.size)))
    return " · ".join(parts)


def _purpose(r: RenditionOut, lang: str) -> str:
    """For a file listed without a channel: the profile it was made for, in words."""
    label = (r.label_vi if lang == "vi" else r.label_en) or profile_labels(lang).get(r.profile, (r.profile, ""))[0]
    own = r.extra.get("label_vi" if lang == "vi" else "label_en")
    return f"{label} — {own}" if own else label


def _choice(r: RenditionOut, purpose: str, lang: str) -> FileChoice:
    return FileChoice(r.download_url, describe(r, lang), purpose, str(r.id))  # counts the download


def hashtags(asset: AssetOut, topic_labels: list[str]) -> list[str]:
    """#NghiQuyet71 #GiaoDuc, then the asset's tags and topics as CamelCase ASCII tags (how Vietnamese
    pages tag posts: diacritics break hashtag search on several platforms)."""
    tags = list(FIXED_HASHTAGS)
    for text in [*asset.tags, *topic_labels]:
        words = re.findall(r"[A-Za-z0-9]+", ascii_fold(text))
        tag = "#" + "".join(w[:1].upper() + w[1:] for w in words)
        if len(tag) > 2 and len(tag) <= 40 and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
        if len(tags) >= _MAX_HASHTAGS:
            break
    return tags


def caption(asset: AssetOut, channel: Channel, page_url: str, tags: list[str]) -> str:
    parts = [asset.title, asset.summary, asset.rights.credit and f"Nguồn: {asset.rights.credit}", page_url,
             " ".join(tags)]
    text = "\n\n".join(p for p in parts if p)
    if channel.caption_limit and len(text) > channel.caption_limit:
        text = text[: channel.caption_limit - 1].rstrip() + "…"
    return text


def channel_panels(asset: AssetOut, groups: list[ProfileDownloads], lang: str, page_url: str,
                   topic_labels: list[str]) -> list[ChannelPanel]:
    """Every channel the asset's kind has a recommendation for, with its file (None while it is made)."""
    found = by_output([r for g in groups for r in g.choices])
    tags = hashtags(asset, topic_labels)
    panels = []
    for channel in channels():
        choices = channel.recommend.get(asset.kind)
        if not choices:
            continue
        pick = next(((found[(c.profile, c.output)], c) for c in choices if (c.profile, c.output) in found), None)
        file = _choice(pick[0], pick[1].purpose_vi if lang == "vi" else pick[1].purpose_en, lang) if pick else None
        panels.append(ChannelPanel(channel.code, channel.label(lang), file,
                                   caption(asset, channel, page_url, tags) if channel.social else None))
    return panels


def all_files(groups: list[ProfileDownloads], lang: str) -> list[FileChoice]:
    """Every downloadable file once (one file can stand for several outputs of a profile)."""
    seen: set[str] = set()
    out = []
    for g in groups:
        for r in g.choices:
            if str(r.id) not in seen:
                seen.add(str(r.id))
                out.append(_choice(r, _purpose(r, lang), lang))
    return out

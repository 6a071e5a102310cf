"""Podcast RSS 2.0 with Apple's `itunes:` tags and the Podcasting 2.0 `podcast:` namespace (guid,
locked, license, transcript). Withdrawn episodes simply leave the feed, as podcast apps expect."""

from __future__ import annotations

import uuid
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from service.feeds.model import Entry, FeedMeta

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
CATEGORY = "Education"  # one of Apple's listed categories
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # Podcasting 2.0 spec
for _prefix, _uri in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM), ("content", CONTENT)):
    ET.register_namespace(_prefix, _uri)


def podcast_guid(feed_url: str) -> str:
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _hms(seconds: float | None) -> str:
    total = int(round(seconds or 0))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def render(meta: FeedMeta, entries: list[Entry], *, owner_email: str, image_url: str, licence: str) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _el(rss, "channel")
    _el(ch, f"{{{ATOM}}}link", href=meta.self_url, rel="self", type="application/rss+xml")
    _el(ch, "title", meta.title)
    _el(ch, "link", meta.home_url)
    _el(ch, "description", meta.description)
    _el(ch, "language", "vi")
    _el(ch, "copyright", licence)
    _el(ch, "lastBuildDate", format_datetime(meta.updated))
    _el(ch, f"{{{ITUNES}}}author", meta.author)
    owner = _el(ch, f"{{{ITUNES}}}owner")
    _el(owner, f"{{{ITUNES}}}name", meta.author)
    _el(owner, f"{{{ITUNES}}}email", owner_email)
    _el(ch, f"{{{ITUNES}}}image", href=image_url)
    ET.SubElement(ch, f"{{{ITUNES}}}category", {"text": CATEGORY})  # Apple reads the attribute, not text
    _el(ch, f"{{{ITUNES}}}explicit", "false")
    _el(ch, f"{{{ITUNES}}}type", "episodic")
    _el(ch, f"{{{PODCAST}}}guid", podcast_guid(meta.self_url))
    _el(ch, f"{{{PODCAST}}}locked", "yes", owner=owner_email)
    _el(ch, f"{{{PODCAST}}}license", licence)
    for e in entries:
        if e.enclosure is None:
            continue
        item = _el(ch, "item")
        _el(item, "title", e.title)
        _el(item, f"{{{ITUNES}}}title", e.title)
        _el(item, "description", e.summary or e.title)
        _el(item, "link", e.url)
        _el(item, "guid", e.id, isPermaLink="false")
        _el(item, "pubDate", format_datetime(e.published))
        _el(item, "enclosure", url=e.enclosure.url, length=str(e.enclosure.length), type=e.enclosure.media_type)
        _el(item, f"{{{ITUNES}}}duration", _hms(e.enclosure.duration))
        _el(item, f"{{{ITUNES}}}explicit", "false")
        _el(item, f"{{{ITUNES}}}episodeType", "full")
        _el(item, f"{{{ITUNES}}}author", e.author)
        if e.transcript_url:
            _el(item, f"{{{PODCAST}}}transcript", url=e.transcript_url, type="text/vtt", language="vi")
        if e.licence:
            _el(item, f"{{{PODCAST}}}license", e.licence)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="utf-8")

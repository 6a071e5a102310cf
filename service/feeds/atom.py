"""Atom 1.0 (RFC 4287) with RFC 6721 tombstones (`at:deleted-entry`) for withdrawn assets."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from service.feeds.model import Entry, FeedMeta

ATOM = "http://www.w3.org/2005/Atom"
AT = "http://purl.org/atompub/tombstones/1.0"
ET.register_namespace("", ATOM)
ET.register_namespace("at", AT)


def _ts(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def render(meta: FeedMeta, entries: list[Entry], tombstones: list[Entry]) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "vi"})
    _sub(feed, "id", meta.id)
    _sub(feed, "title", meta.title)
    _sub(feed, "subtitle", meta.description)
    _sub(feed, "updated", _ts(meta.updated))
    _sub(feed, "link", rel="self", href=meta.self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=meta.home_url, type="text/html")
    _sub(_sub(feed, "author"), "name", meta.author)
    _sub(feed, "generator", "Kho Truyền Thông")
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", e.id)
        _sub(entry, "title", e.title)
        _sub(entry, "updated", _ts(e.updated))
        _sub(entry, "published", _ts(e.published))
        _sub(entry, "link", rel="alternate", href=e.url, type="text/html")
        _sub(entry, "link", rel="related", href=e.api_url, type="application/json", title="ninjs")
        _sub(_sub(entry, "author"), "name", e.author)
        if e.summary:
            _sub(entry, "summary", e.summary, type="text")
        if e.rights:
            _sub(entry, "rights", e.rights, type="text")
        for c in e.categories:
            _sub(entry, "category", term=c.term, scheme=c.scheme, label=c.label)
    for t in tombstones:
        gone = ET.SubElement(feed, f"{{{AT}}}deleted-entry", {"ref": t.id, "when": _ts(t.updated)})
        ET.SubElement(gone, f"{{{AT}}}comment").text = t.withdrawn_reason or "Đã thu hồi"
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")

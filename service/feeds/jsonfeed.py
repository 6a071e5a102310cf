"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/); withdrawn items carry the `_kho` extension."""

from __future__ import annotations

import json
from typing import Any

from service.feeds.model import Entry, FeedMeta


def render(meta: FeedMeta, entries: list[Entry], tombstones: list[Entry]) -> bytes:
    items: list[dict[str, Any]] = []
    for e in entries:
        item: dict[str, Any] = {
            "id": e.id, "url": e.url, "external_url": e.api_url, "title": e.title,
            "content_text": e.summary or e.title, "date_published": e.published.isoformat(),
            "date_modified": e.updated.isoformat(), "authors": [{"name": e.author}], "language": "vi",
            "tags": [c.label for c in e.categories],
            "_kho": {"asset_id": e.asset_id, "kind": e.kind, "rights": e.rights, "withdrawn": False},
        }
        if e.summary:
            item["summary"] = e.summary
        if e.enclosure:
            item["attachments"] = [{"url": e.enclosure.url, "mime_type": e.enclosure.media_type,
                                    "size_in_bytes": e.enclosure.length,
                                    **({"duration_in_seconds": e.enclosure.duration} if e.enclosure.duration
                                       else {})}]
        items.append(item)
    for t in tombstones:
        items.append({"id": t.id, "url": t.url, "title": f"[Đã thu hồi] {t.title}",
                      "content_text": t.withdrawn_reason or "Tài nguyên đã bị thu hồi.",
                      "date_modified": t.updated.isoformat(),
                      "_kho": {"asset_id": t.asset_id, "withdrawn": True, "reason": t.withdrawn_reason or ""}})
    body = {"version": "https://jsonfeed.org/version/1.1", "title": meta.title, "home_page_url": meta.home_url,
            "feed_url": meta.self_url, "description": meta.description, "language": "vi",
            "authors": [{"name": meta.author}], "items": items}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")

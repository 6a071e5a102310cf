"""`manifest.json`, the machine-readable twin of README.txt in a kit ZIP: for each file the asset id,
title, rights, canonical URLs and the SHA-256 and size of the very bytes in the ZIP; and every member
of the kit that is not in the ZIP (withdrawn, expired, not yet published), so nothing disappears
silently. Written last, so the checksums are those of the bytes just streamed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.http import urls
from service.kits.readme import KitEntry
from service.models import Asset, Collection

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = "1.0"


@dataclass(frozen=True)
class Missing:
    asset: Asset
    why: str  # withdrawn | expired | not_published


def missing_reason(asset: Asset, now: datetime) -> str:
    if asset.status == "withdrawn" and asset.published_at is not None:
        return "withdrawn"
    if asset.status == "published" and asset.expires_at is not None and asset.expires_at <= now:
        return "expired"
    return "not_published"


def _rights(e: KitEntry) -> dict[str, str]:
    a = e.asset
    return {"organisation": e.organisation, "credit": a.credit, "copyright": a.copyright_notice,
            "licence": a.licence, "usage_terms": a.usage_terms}


def _missing(m: Missing) -> dict[str, Any]:
    out: dict[str, Any] = {"asset_id": str(m.asset.id), "status": m.why}
    if m.why != "not_published":  # a draft's title is not public
        out.update(title=m.asset.title, url=urls.asset_page(m.asset.id))
    if m.why == "withdrawn":
        out["reason"] = m.asset.withdrawn_reason or ""
        if m.asset.replaced_by_id:  # what a newsroom should use instead
            out["replaced_by"] = {"asset_id": str(m.asset.replaced_by_id),
                                  "url": urls.asset_page(m.asset.replaced_by_id)}
    return out


def manifest_bytes(kit: Collection, entries: list[KitEntry], missing: list[Missing],
                   sums: dict[str, tuple[str, int]], generated_at: datetime) -> bytes:
    files = []
    for position, e in enumerate(entries, start=1):
        sha256, size = sums[e.filename]
        files.append({"position": position, "path": e.filename, "asset_id": str(e.asset.id), "title": e.asset.title,
                      "kind": e.asset.kind, "profile": e.profile, "media_type": e.media_type,
                      "size": size, "sha256": sha256, "url": urls.asset_page(e.asset.id),
                      "api_url": urls.news_item(e.asset.id), "rights": _rights(e)})
    body = {"manifest_version": MANIFEST_VERSION, "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
            "kit": {"slug": kit.slug, "title": kit.title, "description": kit.description,
                    "url": urls.kit_page(kit.slug), "zip_url": urls.kit_zip(kit.slug)},
            "files": files, "not_included": [_missing(m) for m in missing]}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")

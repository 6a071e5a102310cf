"""Assets as IPTC ninjs 2.1 items (https://iptc.org/std/ninjs/). Property names are ninjs's own
lower-case ones (`versioncreated`, `pubstatus`, `sizeinbytes`, …); every item validates against the
published schema (kept in tests/service/publication/data)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import quote

from service.http import urls
from service.news.repository import ItemFacts, RenditionFacts, TermFacts

NINJS_STANDARD = {"name": "ninjs", "version": "2.1", "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"}
NINJS_TYPE = {"infographic": "graphic", "poster": "picture", "video": "video", "podcast": "audio",
              "qa_set": "text", "document": "text"}
PUBSTATUS = {"published": "usable", "withdrawn": "canceled"}
VOCAB_FIELD = {"topic": "topic", "audience": "audience", "level": "level", "channel": "channel"}


def _ts(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def base_url() -> str:
    return urls.base_url()


def item_uri(asset_id: object) -> str:
    return urls.news_item(asset_id)


def rendition_name(r: RenditionFacts) -> str:
    return f"{r.profile}/{r.variant}" if r.variant and r.variant != r.profile else r.profile


@lru_cache(maxsize=1024)
def _rendition_path(profile: str, variant: str | None) -> str:
    """The part of a rendition's link after the item's URI (few distinct profiles: quoted once each)."""
    path = f"/renditions/{quote(profile, safe='')}"
    return f"{path}?variant={quote(variant, safe='')}" if variant else path


def _probe_number(probe: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = probe.get(name)
        if isinstance(value, int | float) and value > 0:
            return value
    return None


def probe_dims(probe: dict[str, Any] | None) -> tuple[float | None, float | None, float | None]:
    """What an item shows of its version's probe: the original's width, height and duration."""
    probe = probe or {}
    return _probe_number(probe, "width"), _probe_number(probe, "height"), _probe_number(probe, "duration")


def renditions(item: ItemFacts, rows: list[RenditionFacts], uri: str) -> list[dict[str, Any]]:
    """The original and the renditions of the item whose URI is `uri`."""
    out: list[dict[str, Any]] = []
    if item.version_number is not None:
        original: dict[str, Any] = {"name": "original", "href": uri + _rendition_path("original", None),
                                    "contenttype": item.version_media_type, "sizeinbytes": item.version_size,
                                    "title": item.version_filename}
        for key, value in zip(("width", "height", "duration"), probe_dims(item.version_probe), strict=True):
            if value is not None:
                original[key] = value
        out.append(original)
    for r in rows:
        rendition: dict[str, Any] = {"name": rendition_name(r), "href": uri + _rendition_path(r.profile, r.variant),
                                     "contenttype": r.media_type, "sizeinbytes": r.size, "format": r.profile}
        for key, value in (("width", r.width), ("height", r.height), ("duration", r.duration)):
            if value is not None:
                rendition[key] = value
        out.append(rendition)
    return out


def subjects(terms: list[TermFacts]) -> list[dict[str, Any]]:
    return [{"name": t.label_vi, "rel": VOCAB_FIELD.get(t.vocabulary, t.vocabulary),
             "uri": urls.term(t.vocabulary, t.code), "literal": f"{t.vocabulary}:{t.code}"}
            for t in terms if t.vocabulary in VOCAB_FIELD]


class Tombstoned(Protocol):
    """What a tombstone names of an asset (an Asset or its `ItemFacts`)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def edited_at(self) -> datetime: ...


def tombstone(asset: Tombstoned) -> dict[str, Any]:
    """What a syncing client needs to take a withdrawn item down — nothing of its content."""
    return {"uri": item_uri(asset.id), "type": NINJS_TYPE.get(asset.kind, "text"),
            "versioncreated": _ts(asset.edited_at), "pubstatus": PUBSTATUS.get(asset.status, "withheld"),
            "standard": NINJS_STANDARD, "altids": [{"role": "kho-id", "value": str(asset.id)}]}


def to_ninjs(asset: ItemFacts, rows: list[RenditionFacts], terms: list[TermFacts]) -> dict[str, Any]:
    if asset.status != "published":
        return tombstone(asset)
    has_version = asset.version_number is not None
    uri = item_uri(asset.id)
    item: dict[str, Any] = {
        "uri": uri, "standard": NINJS_STANDARD, "type": NINJS_TYPE.get(asset.kind, "text"),
        "representationtype": "full", "profile": f"kho-{asset.kind}",
        "version": str(asset.version_number) if has_version else "1",
        "firstcreated": _ts(asset.created_at), "versioncreated": _ts(max(asset.edited_at, asset.published_at)
                                                                    if asset.published_at else asset.edited_at),
        "contentcreated": _ts(asset.version_created_at if has_version else asset.created_at),
        "pubstatus": "usable", "urgency": 2 if asset.urgent else 5, "language": asset.language,
        "title": asset.title, "headlines": [{"role": "main", "value": asset.title}],
        "altids": [{"role": "kho-id", "value": str(asset.id)}],
        "genres": [{"name": asset.kind, "literal": f"kind:{asset.kind}"}],
        "subjects": subjects(terms), "renditions": renditions(asset, rows, uri),
    }
    descriptions = [{"role": role, "value": value, "contenttype": "text/plain"}
                    for role, value in (("summary", asset.summary), ("alt", asset.alt_text)) if value]
    if descriptions:
        item["descriptions"] = descriptions
    if asset.org_name is not None:
        item["copyrightholder"] = asset.org_name
        item["organisations"] = [{"name": asset.org_name, "rel": "owner", "literal": asset.org_code}]
    for key, value in (("by", asset.credit), ("copyrightnotice", asset.copyright_notice),
                       ("usageterms", asset.usage_terms)):
        if value:
            item[key] = value
    if asset.expires_at:
        item["expires"] = _ts(asset.expires_at)
    if asset.licence.startswith(("http://", "https://")):
        item["rightsinfo"] = {"linkedrights": asset.licence}
    return item


class LanguageRef(Protocol):
    """What an association names of another language version (an Asset or a light row of one)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def language(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...


def language_versions(others: Sequence[LanguageRef]) -> list[dict[str, Any]]:
    """The other languages of the item's group, as associations a newsroom can follow."""
    return [{"name": f"language-version-{m.language}", "uri": item_uri(m.id), "type": NINJS_TYPE.get(m.kind, "text"),
             "language": m.language, "title": m.title, "altids": [{"role": "kho-id", "value": str(m.id)}]}
            for m in others]

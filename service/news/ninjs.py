"""Assets as IPTC ninjs 2.1 items (https://iptc.org/std/ninjs/). Property names are ninjs's own
lower-case ones (`versioncreated`, `pubstatus`, `sizeinbytes`, …); every item validates against the
published schema (kept in tests/service/publication/data)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from service import urls
from service.models import Asset, Organisation, Rendition, Version, VocabularyTerm

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


def rendition_name(r: Rendition) -> str:
    return f"{r.profile}/{r.variant}" if r.variant and r.variant != r.profile else r.profile


def _rendition_href(asset_id: object, profile: str, variant: str | None) -> str:
    href = f"{item_uri(asset_id)}/renditions/{quote(profile, safe='')}"
    return f"{href}?variant={quote(variant, safe='')}" if variant else href


def _probe_number(probe: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = probe.get(name)
        if isinstance(value, int | float) and value > 0:
            return value
    return None


def renditions(asset: Asset, version: Version | None, rows: list[Rendition]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if version is not None:
        original: dict[str, Any] = {"name": "original", "href": _rendition_href(asset.id, "original", None),
                                    "contenttype": version.media_type, "sizeinbytes": version.size,
                                    "title": version.original_filename}
        for key, names in (("width", ("width",)), ("height", ("height",)), ("duration", ("duration",))):
            value = _probe_number(version.probe or {}, *names)
            if value is not None:
                original[key] = value
        out.append(original)
    for r in rows:
        item: dict[str, Any] = {"name": rendition_name(r), "href": _rendition_href(asset.id, r.profile, r.variant),
                                "contenttype": r.media_type, "sizeinbytes": r.size, "format": r.profile}
        for key in ("width", "height", "duration"):
            value = getattr(r, key)
            if value is not None:
                item[key] = value
        out.append(item)
    return out


def subjects(terms: list[VocabularyTerm]) -> list[dict[str, Any]]:
    return [{"name": t.label_vi, "rel": VOCAB_FIELD.get(t.vocabulary, t.vocabulary),
             "uri": urls.term(t.vocabulary, t.code), "literal": f"{t.vocabulary}:{t.code}"}
            for t in terms if t.vocabulary in VOCAB_FIELD]


def tombstone(asset: Asset) -> dict[str, Any]:
    """What a syncing client needs to take a withdrawn item down — nothing of its content."""
    return {"uri": item_uri(asset.id), "type": NINJS_TYPE.get(asset.kind, "text"),
            "versioncreated": _ts(asset.edited_at), "pubstatus": PUBSTATUS.get(asset.status, "withheld"),
            "standard": NINJS_STANDARD, "altids": [{"role": "kho-id", "value": str(asset.id)}]}


def to_ninjs(asset: Asset, version: Version | None, rows: list[Rendition], terms: list[VocabularyTerm],
             org: Organisation | None) -> dict[str, Any]:
    if asset.status != "published":
        return tombstone(asset)
    item: dict[str, Any] = {
        "uri": item_uri(asset.id), "standard": NINJS_STANDARD, "type": NINJS_TYPE.get(asset.kind, "text"),
        "representationtype": "full", "profile": f"kho-{asset.kind}",
        "version": str(version.number) if version else "1",
        "firstcreated": _ts(asset.created_at), "versioncreated": _ts(max(asset.edited_at, asset.published_at)
                                                                    if asset.published_at else asset.edited_at),
        "contentcreated": _ts(version.created_at if version else asset.created_at),
        "pubstatus": "usable", "urgency": 2 if asset.urgent else 5, "language": asset.language,
        "title": asset.title, "headlines": [{"role": "main", "value": asset.title}],
        "altids": [{"role": "kho-id", "value": str(asset.id)}],
        "genres": [{"name": asset.kind, "literal": f"kind:{asset.kind}"}],
        "subjects": subjects(terms), "renditions": renditions(asset, version, rows),
    }
    descriptions = [{"role": role, "value": value, "contenttype": "text/plain"}
                    for role, value in (("summary", asset.summary), ("alt", asset.alt_text)) if value]
    if descriptions:
        item["descriptions"] = descriptions
    if org is not None:
        item["copyrightholder"] = org.name
        item["organisations"] = [{"name": org.name, "rel": "owner", "literal": org.code}]
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

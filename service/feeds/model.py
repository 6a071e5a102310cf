"""Format-neutral feed entries, built once from assets and rendered as Atom, RSS or JSON Feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Category:
    term: str
    scheme: str
    label: str


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    media_type: str
    duration: float | None = None


@dataclass(frozen=True)
class Entry:
    asset_id: str
    id: str  # urn:uuid:…
    title: str
    summary: str
    url: str
    api_url: str
    author: str
    published: datetime
    updated: datetime
    rights: str = ""
    licence: str = ""
    kind: str = ""
    categories: list[Category] = field(default_factory=list)
    enclosure: Enclosure | None = None
    transcript_url: str | None = None
    withdrawn_reason: str | None = None


@dataclass(frozen=True)
class FeedMeta:
    id: str
    title: str
    description: str
    self_url: str
    home_url: str
    author: str
    updated: datetime

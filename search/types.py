"""Plain data exchanged between the service and a search engine.

The service builds `SearchDocument`s from the database and `SearchQuery`s from HTTP parameters; the engine
never decides who may see what — the caller passes a `Visibility`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

SortOrder = Literal["relevance", "newest", "downloads"]

# Facet / filter field names accepted in `SearchQuery.filters` and returned in `SearchResult.facets`.
# "org" filters on the organisation subtree (org_id or any ancestor in org_path); its facet counts the
# owning organisation.
FACET_FIELDS: tuple[str, ...] = ("kind", "topic", "audience", "level", "channel", "profile", "org", "year")
FILTER_FIELDS: tuple[str, ...] = (*FACET_FIELDS, "status", "urgent", "language")


@dataclass
class SearchDocument:
    """One asset as the index sees it (a copy that can always be rebuilt from the database)."""

    id: str
    kind: str
    status: str
    title: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # vocabulary labels, Vietnamese and English
    org_id: str = ""
    org_name: str = ""  # a filter's label and a small ranking bonus, never text that makes a document match
    org_path: list[str] = field(default_factory=list)  # ancestor org ids (root first), for subtree filters
    profiles: list[str] = field(default_factory=list)  # platform profiles with a rendition available
    year: int | None = None
    published_at: str | None = None  # ISO 8601 datetime
    updated_at: str | None = None  # ISO 8601 datetime
    downloads: int = 0
    urgent: bool = False
    qa_text: str = ""
    ocr_text: str = ""
    caption_text: str = ""
    language: str = "vi"  # BCP 47 code of the asset (a filter: one language of a language group)


@dataclass(frozen=True)
class VisibilityRule:
    """A document matches when every given condition holds (None = no condition).

    `org_ids`: the document's organisation is one of these or lies below one of them.
    """

    statuses: tuple[str, ...] | None = None
    org_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Visibility:
    """What the caller may see: the union of `rules`. No rules means nothing is visible."""

    rules: tuple[VisibilityRule, ...]

    @classmethod
    def published_only(cls) -> Visibility:
        return cls((VisibilityRule(statuses=("published",)),))

    @classmethod
    def everything(cls) -> Visibility:
        return cls((VisibilityRule(),))

    @classmethod
    def of(cls, *rules: VisibilityRule) -> Visibility:
        return cls(tuple(rules))


@dataclass
class SearchQuery:
    q: str = ""
    filters: Mapping[str, Sequence[str | int | bool]] = field(default_factory=dict)
    visibility: Visibility = field(default_factory=Visibility.published_only)
    sort: SortOrder = "relevance"
    limit: int = 20
    cursor: str | None = None
    facets: bool = True  # compute facet counts (skip for cursor pages that do not show them)
    prefix: bool = True  # treat the last word as a prefix (as-you-type)


@dataclass
class SearchHit:
    id: str
    score: float
    title_html: str  # title with <mark>…</mark> around matched words (HTML-escaped otherwise)
    summary_html: str  # best summary fragment, highlighted the same way


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    next_cursor: str | None = None


@dataclass
class Health:
    ok: bool
    engine: str
    documents: int = 0
    detail: str = ""

"""The home page's search: the search service when it exists, otherwise the published listing.

SEAM (issue 6): until `service.search.service` lands, results come from `service.assets.service.list_page`
(published only, filtered by vocabulary in the database) and the text query is matched on folded
title/summary/tags over the newest LISTING_WINDOW assets; facet counts are exact within that window and
the page says so. Replace `_from_listing` by the service call once it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service.assets import service as assets
from service.assets.schemas import AssetOut
from service.auth.principal import Principal
from web import seams
from web.present import FACET_VOCABS, FIELD_OF_VOCAB, Card, Labels, cards

LISTING_WINDOW = 500
PAGE_SIZE = 20


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchView:
    cards: list[Card]
    total: int
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None
    engine: str  # "search" | "listing"
    window_full: bool = False
    filters: dict[str, list[str]] = field(default_factory=dict)


def _fold(text: str) -> str:
    from search.vietnamese import fold

    return fold(text)


def _matches(asset: AssetOut, words: list[str]) -> bool:
    haystack = _fold(" ".join([asset.title, asset.summary, " ".join(asset.tags)]))
    return all(w in haystack for w in words)


def _facet_codes(asset: AssetOut, vocabulary: str) -> list[str]:
    if vocabulary == "kind":
        return [asset.kind]
    return list(getattr(asset, FIELD_OF_VOCAB[vocabulary]))


def _facets(matched: list[AssetOut], labels: Labels, filters: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for vocabulary in FACET_VOCABS:
        counts: dict[str, int] = {}
        for asset in matched:
            for code in _facet_codes(asset, vocabulary):
                counts[code] = counts.get(code, 0) + 1
        chosen = filters.get(vocabulary, [])
        values = [FacetValue(code, label, counts.get(code, 0), code in chosen)
                  for code, label in labels.choices(vocabulary)]
        out[vocabulary] = [v for v in values if v.count or v.selected]
    return out


def _from_listing(session: Session, principal: Principal, q: str, filters: dict[str, list[str]],
                  cursor: str | None, labels: Labels) -> SearchView:
    kinds = filters.get("kind", [])
    rows, more = assets.list_page(session, principal, kind=kinds[0] if len(kinds) == 1 else None, status="published",
                                  org_id=None, terms={v: filters.get(v, []) for v in FIELD_OF_VOCAB},
                                  cursor=None, limit=LISTING_WINDOW)
    listed = assets.to_out(session, rows)
    words = _fold(q).split()
    matched = [a for a in listed if (not kinds or a.kind in kinds) and (not words or _matches(a, words))]
    offset = int(cursor) if cursor and cursor.isdigit() else 0
    page = matched[offset:offset + PAGE_SIZE]
    next_cursor = str(offset + PAGE_SIZE) if offset + PAGE_SIZE < len(matched) else None
    return SearchView(cards(session, page, labels), len(matched), _facets(matched, labels, filters), next_cursor,
                      "listing", window_full=more is not None, filters=filters)


def run_search(session: Session, principal: Principal, q: str, filters: dict[str, list[str]],
               cursor: str | None, labels: Labels) -> SearchView:
    service = seams.search_service()
    search_fn = getattr(service, "search_for_web", None) if service else None
    if search_fn is not None:
        # The search team's function returns (assets, total, facets, next_cursor) for the caller's visibility.
        found, total, facet_counts, next_cursor = search_fn(session, principal, q=q, filters=filters,
                                                            cursor=cursor, limit=PAGE_SIZE)
        facets = {v: [FacetValue(code, labels.of(v, code), n, code in filters.get(v, []))
                      for code, n in facet_counts.get(v, {}).items()] for v in FACET_VOCABS}
        return SearchView(cards(session, found, labels), total, facets, next_cursor, "search", filters=filters)
    return _from_listing(session, principal, q, filters, cursor, labels)


def suggestions(session: Session, principal: Principal, prefix: str, limit: int = 8) -> list[str]:
    service = seams.search_service()
    suggest_fn = getattr(service, "suggest", None) if service else None
    if suggest_fn is not None:
        return list(suggest_fn(session, principal, prefix, limit=limit))
    if len(prefix.strip()) < 2:
        return []
    rows, _ = assets.list_page(session, principal, kind=None, status="published", org_id=None, terms={},
                               cursor=None, limit=LISTING_WINDOW)
    words = _fold(prefix).split()
    return [a.title for a in rows if all(w in _fold(a.title) for w in words)][:limit]

"""The home page's search: the Vietnamese search service (service/indexing) shaped for the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from search.protocol import SearchIndex
from service.assets import service as assets
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.indexing import service as search
from web.present import FACET_VOCABS, Card, Labels, cards

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
    filters: dict[str, list[str]] = field(default_factory=dict)


def run_search(session: Session, rt: Runtime, principal: Principal, q: str, filters: dict[str, list[str]],
               cursor: str | None, labels: Labels) -> SearchView:
    page = search.search(session, rt.search_index, principal, q=q, filters=filters, sort="relevance", limit=PAGE_SIZE,
                         cursor=cursor)
    found = assets.to_out(session, [a for _, a in page.hits])
    facets = {v: [FacetValue(code, labels.of(v, code), n, code in filters.get(v, []))
                  for code, n in sorted(page.facets.get(v, {}).items(), key=lambda kv: -kv[1])]
              for v in FACET_VOCABS}
    return SearchView(cards(session, rt, principal, found, labels), page.total, facets, page.next_cursor,
                      filters=filters)


def suggestions(index: SearchIndex, principal: Principal, prefix: str, limit: int = 8) -> list[str]:
    return search.suggest(index, principal, prefix, limit)

"""The newsroom API's full-text search: the Vietnamese search index (diacritics, typos, synonyms),
restricted to live assets and re-checked against the database."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from search.types import SearchQuery, Visibility
from service.core.runtime import session_runtime
from service.news import repository
from service.news.repository import RawItem


class NewsSearch(Protocol):
    def search(self, session: Session, now: datetime, query: str, *, kind: str | None, offset: int,
               limit: int) -> list[RawItem]: ...


class SqlTitleSearch:
    """Case-insensitive substring match on title and summary (no diacritic folding yet)."""

    def search(self, session: Session, now: datetime, query: str, *, kind: str | None, offset: int,
               limit: int) -> list[RawItem]:
        rows = repository.page(session, now, updated_since=None, after=None, limit=offset + limit, kind=kind,
                               text=query.strip())
        return rows[offset:]


class IndexedNewsSearch:
    """The Vietnamese search engine, published assets only; hits re-checked as live in the database."""

    def search(self, session: Session, now: datetime, query: str, *, kind: str | None, offset: int,
               limit: int) -> list[RawItem]:
        if not query.strip():
            return SqlTitleSearch().search(session, now, query, kind=kind, offset=offset, limit=limit)
        wanted = min(200, offset + limit)
        result = session_runtime(session).search_index.search(SearchQuery(
            q=query, filters={"kind": [kind]} if kind else {}, visibility=Visibility.published_only(),
            limit=wanted, facets=False))
        hit_ids = [uuid.UUID(h.id) for h in result.hits][offset:]
        return repository.live_items(session, now, hit_ids)[:limit]


def get_news_search() -> NewsSearch:
    return IndexedNewsSearch()

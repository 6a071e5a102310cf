"""The seam between the newsroom API and full-text search. Today a title/summary filter in SQL; the
search package (embedded tantivy / Meilisearch) plugs in by implementing `NewsSearch` and being
returned from `get_news_search()` — the routes and ninjs mapping do not change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from service.models import Asset
from service.news import repository


class NewsSearch(Protocol):
    def search(self, session: Session, now: datetime, query: str, *, kind: str | None, offset: int,
               limit: int) -> list[Asset]: ...


class SqlTitleSearch:
    """Case-insensitive substring match on title and summary (no diacritic folding yet)."""

    def search(self, session: Session, now: datetime, query: str, *, kind: str | None, offset: int,
               limit: int) -> list[Asset]:
        rows = repository.page(session, now, updated_since=None, after=None, limit=offset + limit, kind=kind,
                               text=query.strip())
        return rows[offset:]


def get_news_search() -> NewsSearch:
    return SqlTitleSearch()


def ids(rows: list[Asset]) -> list[uuid.UUID]:
    return [a.id for a in rows]

"""Search for people and programs: the caller's visibility becomes the engine's filter, and hits are
checked again against the database so a stale index can never leak a draft or a withdrawn asset."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from search.cursor import InvalidCursor
from search.protocol import SearchIndex
from search.query import cut_query
from search.types import (
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
    Visibility,
    VisibilityRule,
)
from service.assets import policy
from service.assets import repository as assets_repo
from service.core.db import unit_of_work
from service.core.errors import KhoError
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.indexing import documents, repository
from service.indexing.drift import Drift
from service.indexing.drift import drift as drift_of
from service.models import Asset
from service.models.base import utcnow

log = logging.getLogger(__name__)


def visibility_for(principal: Principal) -> Visibility:
    published = VisibilityRule(statuses=("published",))
    if principal.kind == "client":
        return Visibility.of(published) if "assets:read" in principal.scopes else Visibility(())
    if principal.role == "staff":
        return Visibility.of(published)
    return Visibility.of(published, VisibilityRule(org_ids=(str(principal.organisation_id),)))


@dataclass
class SearchPage:
    hits: list[tuple[SearchHit, Asset]]
    total: int
    facets: dict[str, dict[str, int]]
    next_cursor: str | None


def search(session: Session, index: SearchIndex, principal: Principal, *, q: str, filters: dict[str, list[str]],
           sort: SortOrder, limit: int, cursor: str | None) -> SearchPage:
    query = SearchQuery(q=cut_query(q), filters={k: v for k, v in filters.items() if v},
                        visibility=visibility_for(principal), sort=sort, limit=limit, cursor=cursor,
                        facets=cursor is None)
    try:
        result: SearchResult = index.search(query)
    except InvalidCursor as exc:
        raise KhoError("validation_failed", reason="invalid cursor") from exc
    except ValueError as exc:
        raise KhoError("validation_failed", reason=str(exc)[:200]) from exc
    ids = [uuid.UUID(h.id) for h in result.hits]
    visible = {a.id: a for a in assets_repo.visible_by_ids(session, ids, policy.visible_filter(principal, utcnow()))}
    hits = [(h, visible[uuid.UUID(h.id)]) for h in result.hits if uuid.UUID(h.id) in visible]
    return SearchPage(hits, result.total, result.facets, result.next_cursor)


def suggest(index: SearchIndex, principal: Principal, prefix: str, limit: int) -> list[str]:
    return index.suggest(cut_query(prefix), visibility_for(principal), limit)


def reindex_all(session: Session, index: SearchIndex, progress: Callable[[int], None] | None = None) -> int:
    """Rebuilds the whole index from the database. The PostgreSQL engine builds it aside and swaps it in,
    so other hosts keep serving the complete old index meanwhile."""
    def docs() -> Iterator[SearchDocument]:
        for ids in repository.iter_asset_ids(session, 500):
            yield from documents.build(session, ids)

    return index.rebuild(docs(), progress)


def rebuild_in_background(rt: Runtime) -> threading.Thread | None:
    """The embedded index drops an index of an older layout (schema version or shard count) when it
    opens, the PostgreSQL engine a table of an older layout: refill it from the database on a thread,
    so a restart after changing KHO_SEARCH_SHARDS or an upgrade serves search again without anyone
    running `kho reindex`. None when nothing was dropped."""
    index = rt.search_index
    if not index.take_dropped_layout():
        return None
    def run() -> None:
        try:
            with unit_of_work(rt.sessionmaker) as session:
                total = reindex_all(session, index)
            log.info("search index rebuilt for its new layout: %d assets", total)
        except Exception:  # a failed refill leaves drift for `kho search-check`, not a dead server
            log.exception("rebuilding the search index failed; run `kho reindex`")

    thread = threading.Thread(target=run, name="kho-reindex", daemon=True)
    thread.start()
    return thread


def drift(session: Session, index: SearchIndex) -> Drift:
    """Ids, statuses and content of the index against the database (service.indexing.drift)."""
    return drift_of(session, index)

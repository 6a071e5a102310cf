"""The `SearchIndex` protocol every engine implements (embedded tantivy, PostgreSQL, Meilisearch)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable

from search.types import Health, SearchDocument, SearchQuery, SearchResult, Visibility


@runtime_checkable
class SearchIndex(Protocol):
    engine: str

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        """Insert or replace documents by id; visible to searches when this returns. Returns the count."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Raises `search.cursor.InvalidCursor` for a cursor of another query."""
        ...

    def suggest(self, prefix: str, visibility: Visibility, limit: int = 8) -> list[str]:
        """Titles of visible documents matching what has been typed so far (as-you-type)."""
        ...

    def count(self) -> int: ...

    def ids(self) -> set[str]:
        """Every indexed id, for the drift check against the database."""
        ...

    def clear(self) -> None: ...

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Replace every document by `docs` (a full reindex), calling `progress(n)` as batches land. The
        PostgreSQL engine builds aside and swaps, so searches never see a partial index; the others clear
        and refill."""
        ...

    def health(self) -> Health: ...

    def take_dropped_layout(self) -> bool:
        """True once after opening found the index in an older layout and emptied it: the caller refills
        it from the database. Engines that keep their data across upgrades return False."""
        ...

    def close(self) -> None: ...


def refill(index: SearchIndex, docs: Iterable[SearchDocument],
           progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
    """`rebuild` for engines that cannot build aside: clear, then upsert in batches."""
    index.clear()
    n = 0
    chunk: list[SearchDocument] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == batch:
            n += index.upsert(chunk)
            if progress:
                progress(len(chunk))
            chunk = []
    if chunk:
        n += index.upsert(chunk)
        if progress:
            progress(len(chunk))
    return n

"""The `SearchIndex` protocol every engine implements (embedded tantivy, PostgreSQL, Meilisearch)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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

    def health(self) -> Health: ...

    def take_dropped_layout(self) -> bool:
        """True once after opening found the index in an older layout and emptied it: the caller refills
        it from the database. Engines that keep their data across upgrades return False."""
        ...

    def close(self) -> None: ...

"""Builds the configured `SearchIndex`: "embedded" (tantivy in-process, default), "postgres" (the service's
PostgreSQL database, for several hosts) or "meilisearch"."""

from __future__ import annotations

from pathlib import Path

from search.embedded import DEFAULT_PATH, EmbeddedIndex
from search.postgres import PostgresIndex
from search.protocol import SearchIndex
from search.synonyms import SynonymTable


def make_index(engine: str = "embedded", *, path: Path | None = DEFAULT_PATH, meili_url: str | None = None,
               meili_key: str | None = None, index_uid: str = "assets",
               synonyms: SynonymTable | None = None, shards: int = 1, database_url: str | None = None,
               table: str = "search_documents", writer: bool = False) -> SearchIndex:
    """`path=None` with the embedded engine keeps the index in memory (tests, throwaway tools); `shards`
    splits the embedded index into parts searched in parallel (large indexes, see embedded_shards).
    `database_url` and `table`: where the postgres engine keeps its documents. `writer`: this process writes
    the embedded index, which refuses a second writing process at once (search.writer_lock)."""
    if engine == "embedded":
        return EmbeddedIndex(path, synonyms=synonyms, shards=shards, writer=writer)
    if engine == "postgres":
        if not database_url:
            raise ValueError("the postgres engine needs database_url")
        return PostgresIndex(database_url, table=table, synonyms=synonyms)
    if engine == "meilisearch":
        if not meili_url:
            raise ValueError("the meilisearch engine needs meili_url")
        from search.meili import MeiliIndex  # imported lazily: the embedded default needs no client

        return MeiliIndex(meili_url, meili_key, index_uid=index_uid, synonyms=synonyms)
    raise ValueError(f"unknown search engine {engine!r} (expected 'embedded', 'postgres' or 'meilisearch')")

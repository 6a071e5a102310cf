"""The default, in-process search engine on tantivy, persisted in a directory (default var/search).

One writer per index directory (held lazily, under a lock, so read-only processes never take tantivy's
writer lock); readers reload after our own commits and notice other processes' commits by watching
meta.json. Relevance cursors pin the searcher of their first page, so later pages see the same snapshot.

A text search runs in up to three modes, recorded in its cursors: "strict" (every syllable as typed,
embedded_strict), then — only when that finds fewer than STRICT_ENOUGH documents — "loose" (typos,
prefixes, one word missing in long queries, embedded_query), or "near" instead when every syllable is
known and the query is long (the same documents, found by intersections), then "relaxed" (half the
words) when even that finds nothing. Strict and loose/near keep only the documents holding the query's
words together whenever there are any (":adjacent", embedded_adjacency). Every choice depends on counts
of matching documents, never on the page size: each page size sees the same list in the same order.
The page search counts the total in the same pass; facets are counted by embedded_facets.

A large index can be split into shards searched in parallel (`shards`, see embedded_shards); one shard
lives in the index folder itself, several in `shard-<n>` folders under it.
"""

from __future__ import annotations

import html
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy
from tantivy import FieldType, Occur, Query

from search import cursor as cursors
from search.embedded_facets import FacetCounter
from search.embedded_modes import ADJACENT, STRICT, STRICT_ENOUGH, text_for
from search.embedded_query import ALL_UNITS_UP_TO, QueryBuilder, TextQuery, combine
from search.embedded_schema import build_schema, register_analyzers, stored_source, to_tantivy
from search.embedded_shards import Address, ShardSearcher, shard_of
from search.embedded_synonyms import SynonymCoverage
from search.facet_bits import FacetBits
from search.highlight import Highlighter
from search.protocol import refill
from search.query import ParsedQuery, cut_query, parse_query
from search.synonyms import SynonymTable, default_synonyms
from search.types import (
    Health,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    Visibility,
)
from search.writer_lock import WriterLock

SCHEMA_VERSION = "8"  # 7: organisation out of the text; 8: the language keyword field
DEFAULT_PATH = Path("var/search")
SNAPSHOTS_KEPT = 16
SNAPSHOT_TTL_S = 600.0
RELOAD_CHECK_S = 0.5
SORT_FIELD = {"newest": "k_new", "downloads": "k_dl"}
CONCURRENT_SEARCHES = 8  # searches whose shards run at once; more wait for a pool thread
MIN_SHARD_HEAP = 20_000_000  # per writer thread; tantivy refuses less than 15 MB


class EmbeddedIndex:
    engine = "embedded"

    def __init__(self, path: Path | None = DEFAULT_PATH, *, synonyms: SynonymTable | None = None,
                 writer_heap: int = 128_000_000, writer_threads: int = 1, facet_cache: int = 256,
                 shards: int = 1, writer: bool = False) -> None:
        """`facet_cache`: facet counts kept per index snapshot and query (the landing page, the pages of
        one result list); 0 disables it. `shards`: how many parts a search runs on in parallel; fixed
        when the index is built (an index found with another count is dropped for `kho reindex`)."""
        if shards < 1:
            raise ValueError("shards must be at least 1")
        self.path = path
        self.shards = shards
        self.dropped_layout = False  # an index of another layout was found and dropped: it needs a refill
        self._facet_cache: OrderedDict[tuple[object, ...], dict[str, dict[str, int]]] = OrderedDict()
        self._facet_cache_size = facet_cache
        self.synonyms = synonyms or default_synonyms()
        self._heap, self._threads = writer_heap, writer_threads
        self._schema = build_schema()
        # `writer`: this process writes the index (kho run, kho worker): a second one is refused right here.
        self._writer_lock = WriterLock(path) if path is not None else None
        if writer and self._writer_lock is not None:
            self._writer_lock.acquire()
        self._indexes = self._open()
        # Threads for every shard but the caller's own, for several searches at once: with only shards-1
        # threads, concurrent requests would queue their other halves behind each other.
        self._pool = (ThreadPoolExecutor((shards - 1) * CONCURRENT_SEARCHES, thread_name_prefix="kho-search")
                      if shards > 1 else None)
        self._bits = FacetBits(path)
        self._facet_counter = FacetCounter(self._bits)
        self._instance = uuid.uuid4().hex[:8]
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._writers: list[tantivy.IndexWriter] | None = None
        self._gen = 0
        self._searcher = self._new_searcher()
        self._coverage = SynonymCoverage(path, self.synonyms, self._searcher.num_docs == 0)
        self._meta_mtime = self._meta_stamp()
        self._checked_at = time.monotonic()
        self._snapshots: OrderedDict[str, tuple[float, ShardSearcher]] = OrderedDict()

    # --- opening and reader management ---------------------------------------------------------------

    def _shard_dirs(self) -> list[Path]:
        assert self.path is not None
        return [self.path] if self.shards == 1 else [self.path / f"shard-{i}" for i in range(self.shards)]

    def _open(self) -> list[tantivy.Index]:
        if self.path is None:
            indexes = [tantivy.Index(self._schema) for _ in range(self.shards)]
        else:
            marker = self.path / "kho-schema-version"
            layout = SCHEMA_VERSION if self.shards == 1 else f"{SCHEMA_VERSION} shards={self.shards}"
            if self.path.exists() and (not marker.exists() or marker.read_text().strip() != layout):
                # The index is a rebuildable copy: an old layout or another shard count is dropped and
                # `kho reindex` refills it.
                shutil.rmtree(self.path)
                self.dropped_layout = True
            indexes = []
            for directory in self._shard_dirs():
                directory.mkdir(parents=True, exist_ok=True)
                indexes.append(tantivy.Index(self._schema, path=str(directory), reuse=True))
            marker.write_text(layout)
        for index in indexes:
            register_analyzers(index)
            index.config_reader("Manual")
        return indexes

    def take_dropped_layout(self) -> bool:
        """True once after an index of another layout was dropped on open: the caller refills it."""
        dropped, self.dropped_layout = self.dropped_layout, False
        return dropped

    def _new_searcher(self) -> ShardSearcher:
        return ShardSearcher([index.searcher() for index in self._indexes], self._pool)

    def _meta_stamp(self) -> tuple[int, ...]:
        if self.path is None:
            return ()
        stamps = []
        for directory in self._shard_dirs():
            try:
                stamps.append(os.stat(directory / "meta.json").st_mtime_ns)
            except FileNotFoundError:
                stamps.append(0)
        return tuple(stamps)

    def _reload(self) -> None:
        with self._read_lock:
            for index in self._indexes:
                index.reload()
            if self.path is not None and self._meta_stamp() != self._meta_mtime:
                self._bits.reload()
                self._coverage.reload()
            self._searcher = self._new_searcher()
            self._gen += 1
            self._meta_mtime = self._meta_stamp()

    def _current(self) -> tuple[str, ShardSearcher]:
        now = time.monotonic()
        if self.path is not None and now - self._checked_at > RELOAD_CHECK_S:
            self._checked_at = now
            if self._meta_stamp() != self._meta_mtime:
                self._reload()  # another process committed
        with self._read_lock:
            return f"{self._instance}:{self._gen}", self._searcher

    def _pin(self, token: str, searcher: ShardSearcher) -> None:
        with self._read_lock:
            now = time.monotonic()
            self._snapshots[token] = (now, searcher)
            self._snapshots.move_to_end(token)
            while len(self._snapshots) > SNAPSHOTS_KEPT:
                self._snapshots.popitem(last=False)

    def _pinned(self, token: str) -> ShardSearcher | None:
        with self._read_lock:
            entry = self._snapshots.get(token)
        if entry is None or time.monotonic() - entry[0] > SNAPSHOT_TTL_S:
            return None
        return entry[1]

    # --- writes ------------------------------------------------------------------------------------------

    def _get_writers(self) -> list[tantivy.IndexWriter]:
        if self._writers is None:
            if self._writer_lock is not None:
                self._writer_lock.acquire()
            heap = max(self._heap // self.shards, MIN_SHARD_HEAP * self._threads)
            self._writers = [index.writer(heap_size=heap, num_threads=self._threads) for index in self._indexes]
        return self._writers

    @contextmanager
    def _writing(self) -> Iterator[list[tantivy.IndexWriter]]:
        """Every shard's writer under the write lock: committed when the block ends, rolled back when it
        raises. Shards commit one after the other, so a failure can leave a batch in some shards only;
        the caller (the outbox) retries the whole batch, which upserting makes harmless."""
        with self._write_lock:
            writers = self._get_writers()
            try:
                yield writers
                for writer in writers:
                    writer.commit()
            except BaseException:
                for writer in writers:
                    writer.rollback()
                raise
        self._reload()

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        n = 0
        with self._writing() as writers:
            self._coverage.before_write()
            for doc in docs:
                writer = writers[shard_of(doc.id, self.shards)]
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(to_tantivy(doc, self._bits, self.synonyms))
                n += 1
            self._bits.save()
        return n

    def delete(self, ids: Sequence[str]) -> None:
        with self._writing() as writers:
            for doc_id in ids:
                writers[shard_of(doc_id, self.shards)].delete_documents_by_term("id", doc_id)

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        return refill(self, docs, progress)

    def clear(self) -> None:
        with self._writing() as writers:
            for writer in writers:
                writer.delete_all_documents()
        self._coverage.after_clear()

    def close(self) -> None:
        with self._write_lock:
            for writer in self._writers or []:
                writer.wait_merging_threads()
            self._writers = None
            if self._writer_lock is not None:
                self._writer_lock.release()

    # --- reads -------------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._current()[1].num_docs)

    def ids(self) -> set[str]:
        searcher = self._current()[1]
        return {term for term, n in searcher.terms_with_prefix("id", "", filter_query=Query.all_query()) if n}

    def health(self) -> Health:
        try:
            docs = self.count()
        except Exception as exc:  # noqa: BLE001 - health reports any failure instead of raising
            return Health(ok=False, engine=self.engine, detail=f"{type(exc).__name__}: {exc}")
        where = str(self.path) if self.path is not None else "memory"
        detail = f"tantivy index in {where}" + (f", {self.shards} shards" if self.shards > 1 else "")
        if stale := self._coverage.stale():
            detail += f"; {stale} synonym group(s) changed since the index was built: run `kho reindex`"
        return Health(ok=True, engine=self.engine, documents=docs, detail=detail)

    def _parse(self, searcher: ShardSearcher, q: str, prefix: bool) -> tuple[ParsedQuery, QueryBuilder]:
        def frequency(field: str, term: str) -> int:
            return int(searcher.doc_freq(field, term))

        def expand(field: str, prefix: str, n: int) -> list[str]:
            return [t for t, _ in searcher.terms_with_prefix(field, prefix, limit=n)]

        def statuses() -> list[str]:
            return [t for t, _ in searcher.terms_with_prefix("status", "")]

        builder = QueryBuilder(self._schema, frequency, expand, statuses, int(searcher.num_docs),
                               self._coverage.covers)
        parsed = parse_query(cut_query(q), known=builder.is_known,
                             synonyms=self.synonyms, prefix=prefix)
        return parsed, builder

    def search(self, query: SearchQuery) -> SearchResult:
        cur = cursors.decode(query.cursor, query) if query.cursor else None
        token, searcher = self._current()
        if cur is not None and cur.snapshot:
            pinned = self._pinned(cur.snapshot)
            if pinned is not None:
                token, searcher = cur.snapshot, pinned
        parsed, builder = self._parse(searcher, query.q, query.prefix)
        if cur is not None:
            mode = cur.mode or ("relaxed" if cur.relaxed else "loose")
            page = self._page(searcher, token, query, builder, text_for(builder, parsed, mode), cur)
        else:
            page, mode = self._first_page(searcher, token, query, parsed, builder)
        return self._finish(searcher, token, query, parsed, builder, page, mode)

    def _first_page(self, searcher: ShardSearcher, token: str, query: SearchQuery, parsed: ParsedQuery,
                    builder: QueryBuilder) -> tuple[_Page, str]:
        """The text query that answers, and its first page. Decided by counts of matching documents only,
        never by the page size, so every page size sees the same list in the same order."""
        mode = "loose"
        strict = text_for(builder, parsed, STRICT)
        if strict is not None:
            page = self._page(searcher, token, query, builder, strict, None)
            if page.total >= STRICT_ENOUGH:
                return page, STRICT
            if strict.units > ALL_UNITS_UP_TO:
                mode = "near"  # every syllable known: what the loose query adds is a missing unit
        # Few documents have every word as typed: allow typos, prefixes and a missing word, still keeping
        # only the documents that hold the words together when there are any.
        adjacent = text_for(builder, parsed, mode + ADJACENT)
        if adjacent is not None and adjacent.adjacent:
            page = self._page(searcher, token, query, builder, adjacent, None)
            if page.total:
                return page, mode + ADJACENT
        page = self._page(searcher, token, query, builder, text_for(builder, parsed, mode), None)
        if page.total == 0 and len(parsed.content_terms()) > 1:
            # Nothing has every word: fall back to documents with most of them.
            return self._page(searcher, token, query, builder, text_for(builder, parsed, "relaxed"), None), "relaxed"
        return page, mode

    def _page(self, searcher: ShardSearcher, token: str, query: SearchQuery, builder: QueryBuilder,
              text: TextQuery | None, cur: cursors.Cursor | None) -> _Page:
        constraints = [*builder.visibility(query.visibility), *builder.filters(query.filters)]
        sort = query.sort if text is not None else ("newest" if query.sort == "relevance" else query.sort)
        if sort == "relevance":
            assert text is not None
            found = self._relevance_page(searcher, token, combine(text.ranked, constraints), query, cur,
                                         _limit(query))
        else:
            scored = text.match if text is not None else None
            found = self._sorted_page(searcher, SORT_FIELD[sort], scored, constraints, query, cur,
                                      _limit(query))
        return _Page(text, *found)

    def _finish(self, searcher: ShardSearcher, token: str, query: SearchQuery, parsed: ParsedQuery,
                builder: QueryBuilder, page: _Page, mode: str) -> SearchResult:
        nxt = cursors.with_mode(page.next_cursor, mode) if page.next_cursor is not None else None
        hits = self._hits(searcher, page.rows, parsed, builder)
        facets: dict[str, dict[str, int]] = {}
        if query.facets:
            key = (token, mode, query.q, query.prefix, cursors.fingerprint(SearchQuery(
                filters=query.filters, visibility=query.visibility)))
            with self._read_lock:
                cached = self._facet_cache.get(key)
            facets = cached if cached is not None else self._facet_counter.count(
                searcher, token, builder, page.text.match if page.text else None, query, page.total)
            if cached is None and self._facet_cache_size:
                with self._read_lock:
                    self._facet_cache[key] = facets
                    while len(self._facet_cache) > self._facet_cache_size:
                        self._facet_cache.popitem(last=False)
        return SearchResult(hits=hits, total=page.total, facets=facets, next_cursor=nxt)

    def _relevance_page(self, searcher: ShardSearcher, token: str, q: Query, query: SearchQuery,
                        cur: cursors.Cursor | None, limit: int
                        ) -> tuple[list[tuple[float, Address]], int, str | None]:
        offset = cur.offset if cur else 0
        res = searcher.search(q, limit, offset=offset, count=True)
        total = res.count
        nxt = None
        if offset + len(res.hits) < total:
            self._pin(token, searcher)
            nxt = cursors.encode(cursors.Cursor(cursors.fingerprint(query), offset + len(res.hits), token))
        return [(float(s), a) for s, a in res.hits], total, nxt

    def _sorted_page(self, searcher: ShardSearcher, field: str, scored: Query | None,
                     constraints: list[tuple[Occur, Query]], query: SearchQuery, cur: cursors.Cursor | None,
                     limit: int
                     ) -> tuple[list[tuple[float, Address]], int, str | None]:
        seen = set(cur.seen) if cur else set()
        if cur is not None and cur.last_key is not None:
            upper = Query.range_query(self._schema, field, FieldType.Unsigned, upper_bound=cur.last_key)
            constraints = [*constraints, (Occur.Must, upper)]
        res = searcher.search(combine(scored, constraints), limit + len(seen) + 1, count=True,
                              order_by_field=field)
        rows = [(int(k), a) for k, a in res.hits]
        ids = [stored_source(searcher.doc(a))[0] for _, a in rows]
        last_key = cur.last_key if cur else None
        kept = [(k, a, i) for (k, a), i in zip(rows, ids, strict=True) if not (k == last_key and i in seen)]
        page, more = kept[:limit], len(kept) > limit
        total = res.count if cur is None else cur.total
        nxt = None
        if page and more:
            key = page[-1][0]
            same = [i for k, _, i in page if k == key] + (list(seen) if key == last_key else [])
            nxt = cursors.encode(cursors.Cursor(cursors.fingerprint(query), 0, "", key, same, total))
        return [(float(k), a) for k, a, _ in page], total, nxt

    def _hits(self, searcher: ShardSearcher, page: list[tuple[float, Address]],
              parsed: ParsedQuery, builder: QueryBuilder) -> list[SearchHit]:
        last = next((t.folded for t in parsed.terms if t.last), None)
        fuzzy = [t.folded for t in parsed.content_terms() if not builder.is_known(t.folded)]
        hl = Highlighter(parsed.highlight_terms(), prefix=last, fuzzy=fuzzy)
        hits = []
        for score, address in page:
            doc_id, title, summary = stored_source(searcher.doc(address))
            hits.append(SearchHit(doc_id, score, hl.mark(title), hl.fragment(summary)))
        return hits

    def suggest(self, prefix: str, visibility: Visibility, limit: int = 8) -> list[str]:
        """Titles of the first hits of the search as typed so far: the same choice of matches (words
        together, a one-letter last word completed) as the result list the user gets on Enter."""
        if not parse_query(prefix, synonyms=self.synonyms).content_terms():
            return []
        result = self.search(SearchQuery(q=prefix, visibility=visibility, limit=limit * 2, facets=False))
        titles = [_plain(h.title_html) for h in result.hits]
        return list(dict.fromkeys(t for t in titles if t))[:limit]


@dataclass
class _Page:
    text: TextQuery | None
    rows: list[tuple[float, Address]]
    total: int
    next_cursor: str | None


def _limit(query: SearchQuery) -> int:
    return max(1, min(query.limit, 200))


def _plain(title_html: str) -> str:
    return html.unescape(title_html.replace("<mark>", "").replace("</mark>", ""))


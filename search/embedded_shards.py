"""Intra-query parallelism for the embedded engine: one logical index split into shards by document id.

tantivy-py runs a search on the calling thread, over every segment in turn. A large index is therefore
kept as N tantivy indexes, a document living in shard `shard_of(id)`; `ShardSearcher` runs a search or
an aggregation on every shard at once (tantivy releases the GIL while it works) and merges hits, counts
and buckets, offering the few `tantivy.Searcher` calls the engine uses. Scores come from each shard's
own term statistics: with documents spread by a hash those differ by a fraction of a percent at the
sizes where sharding pays, but they would reorder a small index, which is why the default is one shard
(and then every call goes straight to the single searcher, with no thread hand-off).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import tantivy
from tantivy import Query

T = TypeVar("T")
Address = tuple[int, tantivy.DocAddress]  # (shard, address inside that shard's searcher)


def shard_of(doc_id: str, shards: int) -> int:
    """Stable across processes and restarts (unlike `hash`): a document is always written, replaced and
    deleted in the same shard."""
    return zlib.crc32(doc_id.encode("utf-8")) % shards if shards > 1 else 0


@dataclass
class Found:
    hits: list[tuple[Any, Address]]  # (score or sort key, address), best first
    count: int


class ShardSearcher:
    def __init__(self, searchers: Sequence[tantivy.Searcher], pool: ThreadPoolExecutor | None) -> None:
        if not searchers:
            raise ValueError("a ShardSearcher needs at least one searcher")
        self.searchers = list(searchers)
        self._pool = pool if len(self.searchers) > 1 else None

    @property
    def shards(self) -> int:
        return len(self.searchers)

    @property
    def num_docs(self) -> int:
        return sum(int(s.num_docs) for s in self.searchers)

    def _each(self, fn: Callable[[tantivy.Searcher], T]) -> list[T]:
        """fn on every shard: the first on this thread, the others on the pool, at the same time."""
        if self._pool is None:
            return [fn(s) for s in self.searchers]
        futures = [self._pool.submit(fn, s) for s in self.searchers[1:]]
        first = fn(self.searchers[0])
        return [first, *(f.result() for f in futures)]

    def doc_freq(self, field: str, term: str) -> int:
        return sum(int(s.doc_freq(field, term)) for s in self.searchers)

    def terms_with_prefix(self, field: str, prefix: str, filter_query: Query | None = None,
                          limit: int | None = None) -> list[tuple[str, int]]:
        """Terms by total count, most frequent first. With a limit each shard is asked for twice as many,
        so a term near the cut in one shard and above it in another is still counted in both."""
        per_shard = limit if limit is None or self.shards == 1 else 2 * limit
        totals: dict[str, int] = {}
        for s in self.searchers:
            for term, n in s.terms_with_prefix(field, prefix, filter_query=filter_query, limit=per_shard):
                totals[term] = totals.get(term, 0) + int(n)
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked if limit is None else ranked[:limit]

    def search(self, query: Query, limit: int, *, offset: int = 0, count: bool = True,
               order_by_field: str | None = None) -> Found:
        """Hits `offset:offset+limit` of the merged ranking (by score, or by `order_by_field` descending)."""
        if self.shards == 1:
            res = self.searchers[0].search(query, limit=limit, offset=offset, count=count,
                                           order_by_field=order_by_field)
            return Found([(key, (0, a)) for key, a in res.hits], _count(res))

        # Every shard's own best offset+limit can reach the merged page.
        def one(s: tantivy.Searcher) -> tantivy.SearchResult:
            return s.search(query, limit=offset + limit, count=count, order_by_field=order_by_field)

        results = self._each(one)
        merged = [(key, (i, a)) for i, res in enumerate(results) for key, a in res.hits]
        # A stable sort keeps each shard's own order among equal keys and shard order between them, so a
        # page boundary falls in the same place on every call against the same snapshot.
        merged.sort(key=lambda hit: hit[0], reverse=True)
        return Found(merged[offset:offset + limit], sum(_count(r) for r in results))

    def doc(self, address: Address) -> tantivy.Document:
        shard, inner = address
        return self.searchers[shard].doc(inner)

    def aggregate(self, query: Query, aggs: dict[str, Any]) -> dict[str, Any]:
        results = self._each(lambda s: s.aggregate(query, aggs))
        return results[0] if len(results) == 1 else merge_aggregations(aggs, results)


def merge_aggregations(aggs: dict[str, Any], results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Sums per-shard results of the aggregation kinds the engine asks for: `terms` buckets (doc counts
    per key, and what fell outside each shard's top) and `value_count`."""
    out: dict[str, Any] = {}
    for name, spec in aggs.items():
        parts = [r.get(name, {}) for r in results]
        if "terms" in spec:
            # Unordered: the facet counter ranks values itself, and sorting thousands of mask buckets
            # on every search would cost more than the summing.
            counts: dict[Any, int] = {}
            for part in parts:
                for bucket in part.get("buckets", ()):
                    key = bucket["key"]
                    counts[key] = counts.get(key, 0) + bucket["doc_count"]
            buckets = [{"key": k, "doc_count": n} for k, n in counts.items()]
            out[name] = {"buckets": buckets,
                         "sum_other_doc_count": sum(int(p.get("sum_other_doc_count") or 0) for p in parts)}
        elif "value_count" in spec:
            out[name] = {"value": sum(float(p.get("value") or 0) for p in parts)}
        else:
            raise NotImplementedError(f"merging aggregation {name!r} of kind {sorted(spec)} across shards")
    return out


def _count(res: tantivy.SearchResult) -> int:
    # `count` exists at runtime but is missing from tantivy's type stubs.
    return int(getattr(res, "count", 0) or 0)

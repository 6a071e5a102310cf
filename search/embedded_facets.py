"""Facet counts for the embedded engine: tantivy terms aggregations over the matched documents.

Multi-valued facets are counted per bit mask and expanded to codes with numpy (see facet_bits). A facet
with an active filter is counted without its own filter. When the text matches most visible documents
("học", "giáo dục"), the counts are those of every visible document (computed once per index snapshot
and kept) minus those of the visible documents the text does *not* match, which are far fewer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from tantivy import Occur, Query

from search.embedded_query import QueryBuilder, combine
from search.embedded_shards import ShardSearcher
from search.facet_bits import MASK_FIELDS, FacetBits
from search.types import FACET_FIELDS, SearchQuery

FACET_SIZE = 200  # values returned per text facet (organisations can be many)
ALL_VALUES = 65_536  # buckets asked for when counts are subtracted: both sides must be complete
COMPLEMENT_SHARE = 0.5  # count the complement when the text matches more than this share of the base
BASES_KEPT = 32
COUNT = "_count"

Counts = dict[str, dict[str, int]]


@dataclass
class _Buckets:
    """Raw counts per aggregation key (mask or value) of each facet, plus the document count."""

    keys: dict[str, dict[object, int]]
    docs: int
    complete: bool = True  # no facet had more values than were asked for

    def minus(self, other: _Buckets) -> _Buckets:
        keys = {f: {k: n - other.keys.get(f, {}).get(k, 0) for k, n in vals.items()}
                for f, vals in self.keys.items()}
        return _Buckets(keys, self.docs - other.docs, self.complete and other.complete)


class FacetCounter:
    def __init__(self, bits: FacetBits) -> None:
        self._bits = bits
        self._bases: OrderedDict[tuple[object, ...], _Buckets] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, searcher: ShardSearcher, token: str, builder: QueryBuilder, match: Query | None,
              query: SearchQuery, total: int) -> Counts:
        """`match`: the text query (None: no text); `total`: how many documents the page search found."""
        base = builder.visibility(query.visibility)
        active = [f for f in FACET_FIELDS if query.filters.get(f)]
        plain = [f for f in FACET_FIELDS if f not in active]
        out: Counts = {}
        if plain:
            constraints = base + builder.filters(query.filters)
            key = (token, _constraints_key(query, None), tuple(plain))
            out.update(self._decode(self._plain(searcher, key, match, plain, constraints, total), plain))
        for f in active:
            constraints = base + builder.filters(query.filters, skip=f)
            key = (token, _constraints_key(query, f), (f,))
            with self._lock:
                kept = self._bases.get(key) if match is None else None
            if match is None:
                # Without text, a facet under its own filter counts the same documents for every value
                # of that filter: kept for the snapshot.
                buckets = kept or self._base(searcher, key, [f], constraints)
            else:
                buckets = self._aggregate(searcher, combine(match, constraints), [f], FACET_SIZE)
            out.update(self._decode(buckets, [f]))
        return {f: out.get(f, {}) for f in FACET_FIELDS}

    def _plain(self, searcher: ShardSearcher, key: tuple[object, ...], match: Query | None,
               fields: Sequence[str], constraints: list[tuple[Occur, Query]], total: int) -> _Buckets:
        with self._lock:
            base = self._bases.get(key)
        if match is not None and total > COMPLEMENT_SHARE * (base.docs if base else searcher.num_docs):
            base = base or self._base(searcher, key, fields, constraints)
            if base.complete and total > COMPLEMENT_SHARE * base.docs:
                outside = combine(None, [*constraints, (Occur.MustNot, match)])
                difference = base.minus(self._aggregate(searcher, outside, fields, ALL_VALUES))
                if difference.complete:
                    return difference
        return self._aggregate(searcher, combine(match, constraints), fields, FACET_SIZE)

    def _base(self, searcher: ShardSearcher, key: tuple[object, ...], fields: Sequence[str],
              constraints: list[tuple[Occur, Query]]) -> _Buckets:
        """Counts over every visible (and filtered) document, kept for the snapshot: the complement trick
        subtracts from it."""
        buckets = self._aggregate(searcher, combine(None, constraints), fields, ALL_VALUES)
        with self._lock:
            self._bases[key] = buckets
            while len(self._bases) > BASES_KEPT:
                self._bases.popitem(last=False)
        return buckets

    def _aggregate(self, searcher: ShardSearcher, q: Query, fields: Sequence[str], size: int) -> _Buckets:
        aggs: dict[str, object] = {f: self._agg(f, size) for f in fields}
        aggs[COUNT] = {"value_count": {"field": "k_new"}}
        result = searcher.aggregate(q, aggs)
        keys = {f: {b["key"]: int(b["doc_count"]) for b in result.get(f, {}).get("buckets", [])}
                for f in fields}
        complete = not any(result.get(f, {}).get("sum_other_doc_count") for f in fields)
        return _Buckets(keys, int(result.get(COUNT, {}).get("value") or 0), complete)

    def _agg(self, field: str, size: int) -> dict[str, object]:
        if self._masked(field):
            return {"terms": {"field": MASK_FIELDS[field], "size": ALL_VALUES}}
        return {"terms": {"field": field, "size": size}}

    def _masked(self, field: str) -> bool:
        return field in MASK_FIELDS and not self._bits.overflowing(field)

    def _decode(self, buckets: _Buckets, fields: Sequence[str]) -> Counts:
        out: Counts = {}
        for f in fields:
            vals = buckets.keys.get(f, {})
            if self._masked(f):
                out[f] = self._bits.expand(f, [float(k) for k in vals], list(vals.values()))  # type: ignore[arg-type]
            else:
                kept = sorted(((str(k), n) for k, n in vals.items() if n > 0), key=lambda kv: (-kv[1], kv[0]))
                out[f] = dict(kept[:FACET_SIZE])
        return out


def _constraints_key(query: SearchQuery, skip: str | None) -> tuple[object, ...]:
    filters = tuple(sorted((k, tuple(sorted(map(str, v)))) for k, v in query.filters.items() if v and k != skip))
    rules = tuple((r.statuses, r.org_ids) for r in query.visibility.rules)
    return filters, rules

"""A sharded embedded index answers like one index: the same documents, totals, facet counts and pages,
with each document kept in exactly one shard folder (the contract suite also runs on two shards)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.embedded import EmbeddedIndex
from search.embedded_shards import merge_aggregations, shard_of
from search.types import SearchDocument, SearchQuery, Visibility

EVERYONE = Visibility.everything()
PUBLISHED = Visibility.published_only()
TOPICS = ["chuyen-doi-so", "tuyen-sinh", "hieu-hoc", "doi-ngoai"]


def _docs(n: int = 120) -> list[SearchDocument]:
    return [SearchDocument(
        id=f"s{i:03d}", kind=["video", "poster", "podcast", "qa_set"][i % 4],
        status="draft" if i % 9 == 0 else "published",
        title=("Chuyển đổi số trong giáo dục" if i % 3 else "Tuyển sinh đầu cấp") + f" đợt {i}",
        summary="học sinh và nhà giáo " * (1 + i % 4), topics=[TOPICS[i % 4]],
        levels=["thcs", "thpt"][: 1 + i % 2], org_id=f"org-{i % 6}", year=2025 + i % 2,
        published_at=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00", downloads=i % 17,
    ) for i in range(n)]


def _pages(index: EmbeddedIndex, query: SearchQuery) -> tuple[list[str], int]:
    """Every hit of a query, page after page through its cursors, and the first page's total."""
    seen: list[str] = []
    first = index.search(query)
    result, total = first, first.total
    while True:
        seen += [h.id for h in result.hits]
        if result.next_cursor is None:
            return seen, total
        result = index.search(SearchQuery(q=query.q, visibility=query.visibility, filters=query.filters,
                                          sort=query.sort, limit=query.limit, cursor=result.next_cursor))


@pytest.fixture
def pair(tmp_path: Path) -> tuple[EmbeddedIndex, EmbeddedIndex]:
    docs = _docs()
    one = EmbeddedIndex(tmp_path / "one", facet_cache=0)
    two = EmbeddedIndex(tmp_path / "two", facet_cache=0, shards=2)
    one.upsert(docs)
    two.upsert(docs)
    return one, two


def test_documents_live_in_one_shard_each(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "idx", shards=2)
    docs = _docs(40)
    index.upsert(docs)
    index.upsert(docs[:10])  # replacing goes to the same shard: no duplicates
    assert index.count() == 40 and index.ids() == {d.id for d in docs}
    per_shard = [int(s.num_docs) for s in index._current()[1].searchers]
    expected = [sum(1 for d in docs if shard_of(d.id, 2) == i) for i in range(2)]
    assert per_shard == expected and min(per_shard) > 0
    assert sorted(p.name for p in (tmp_path / "idx").glob("shard-*")) == ["shard-0", "shard-1"]
    index.delete(["s001", "s002"])
    assert index.count() == 38 and not {"s001", "s002"} & index.ids()


@pytest.mark.parametrize("sort", ["relevance", "newest", "downloads"])
def test_pages_and_totals_match_a_single_index(pair: tuple[EmbeddedIndex, EmbeddedIndex], sort: str) -> None:
    one, two = pair
    for q in ("giáo dục", "tuyen sinh", "hoc sinh nha giao"):
        query = SearchQuery(q=q, visibility=PUBLISHED, sort=sort, limit=7, facets=False)
        ids_one, total_one = _pages(one, query)
        ids_two, total_two = _pages(two, query)
        assert total_two == total_one == len(ids_one) > 7, q
        assert sorted(ids_two) == sorted(ids_one) and len(set(ids_two)) == len(ids_two), q
        if sort != "relevance":  # sort keys do not depend on shard statistics: the very same order
            keys = {"newest": lambda h: h.published_at, "downloads": lambda h: h.downloads}[sort]
            by_id = {d.id: d for d in _docs()}
            assert [keys(by_id[i]) for i in ids_two] == sorted((keys(by_id[i]) for i in ids_two), reverse=True)


def test_relevance_merges_by_score(pair: tuple[EmbeddedIndex, EmbeddedIndex]) -> None:
    _, two = pair
    scores = [h.score for h in two.search(SearchQuery(q="hoc sinh", visibility=EVERYONE, limit=50)).hits]
    assert len(scores) == 50 and scores == sorted(scores, reverse=True)


def test_facets_match_a_single_index(pair: tuple[EmbeddedIndex, EmbeddedIndex]) -> None:
    one, two = pair
    for query in (SearchQuery(q="giáo dục", visibility=PUBLISHED),
                  SearchQuery(q="hoc", visibility=PUBLISHED, filters={"topic": ["tuyen-sinh"]}),
                  SearchQuery(visibility=EVERYONE, filters={"kind": ["video", "poster"]})):
        a, b = one.search(query), two.search(query)
        assert b.total == a.total > 0
        assert b.facets == a.facets and b.facets["org"] and b.facets["topic"]


def test_suggestions_and_prefixes_cross_shards(pair: tuple[EmbeddedIndex, EmbeddedIndex]) -> None:
    one, two = pair
    # Which eight of the many equal titles come first depends on each shard's statistics; all qualify.
    suggested = two.suggest("chuyen do", PUBLISHED)
    assert len(suggested) == len(one.suggest("chuyen do", PUBLISHED)) == 8
    assert all(t.startswith("Chuyển đổi số") for t in suggested)
    prefix = SearchQuery(q="tuyen si", prefix=True, visibility=PUBLISHED, limit=200, facets=False)
    assert {h.id for h in two.search(prefix).hits} == {h.id for h in one.search(prefix).hits}


def test_another_shard_count_drops_the_index_for_a_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    EmbeddedIndex(path, shards=2).upsert(_docs(10))
    assert EmbeddedIndex(path, shards=2).count() == 10  # same layout: kept
    single = EmbeddedIndex(path)
    assert single.count() == 0 and not list(path.glob("shard-*"))
    single.upsert(_docs(5))
    assert EmbeddedIndex(path).count() == 5


def test_a_second_process_sees_every_shard_commit(tmp_path: Path) -> None:
    writer = EmbeddedIndex(tmp_path / "idx", shards=2)
    reader = EmbeddedIndex(tmp_path / "idx", shards=2)
    writer.upsert(_docs(20))
    reader._checked_at = 0.0  # skip the reload throttle instead of sleeping
    assert reader.count() == 20


def test_merge_aggregations_sums_buckets_and_counts() -> None:
    aggs = {"kind": {"terms": {"field": "kind", "size": 2}}, "_count": {"value_count": {"field": "k_new"}}}
    merged = merge_aggregations(aggs, [
        {"kind": {"buckets": [{"key": "video", "doc_count": 3}, {"key": "poster", "doc_count": 1}],
                  "sum_other_doc_count": 2}, "_count": {"value": 6.0}},
        {"kind": {"buckets": [{"key": "poster", "doc_count": 4}], "sum_other_doc_count": 0},
         "_count": {"value": 4.0}},
    ])
    assert {b["key"]: b["doc_count"] for b in merged["kind"]["buckets"]} == {"poster": 5, "video": 3}
    assert merged["kind"]["sum_other_doc_count"] == 2 and merged["_count"]["value"] == 10.0
    with pytest.raises(NotImplementedError):
        merge_aggregations({"avg": {"avg": {"field": "k_dl"}}}, [{}, {}])


def test_shard_count_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        EmbeddedIndex(tmp_path / "idx", shards=0)


def test_concurrent_searches_get_the_answers_of_serial_ones(pair: tuple[EmbeddedIndex, EmbeddedIndex]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, two = pair
    queries = [SearchQuery(q=q, visibility=PUBLISHED, limit=10)
               for q in ("giáo dục", "tuyen sinh", "hoc sinh", "chuyen doi so", "nha giao")] * 8
    expected = [[h.id for h in two.search(q).hits] for q in queries]
    with ThreadPoolExecutor(16) as threads:
        got = list(threads.map(lambda q: [h.id for h in two.search(q).hits], queries))
    assert got == expected and all(expected)

"""The embedded engine's fast paths give the answers of the slow ones: the strict first pass, facet counts
by complement, highlighting by one regex scan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from search.embedded import EmbeddedIndex
from search.embedded_schema import stored_source
from search.highlight import Highlighter
from search.types import SearchDocument, SearchQuery, Visibility

EVERYONE = Visibility.everything()
PUBLISHED = Visibility.published_only()
TOPICS = ["chuyen-doi-so", "tuyen-sinh", "hieu-hoc"]


def _docs(n: int = 40) -> list[SearchDocument]:
    out = []
    for i in range(n):
        title = "Giáo dục và đào tạo" if i % 5 else "Ngày hội thể thao"
        out.append(SearchDocument(
            id=f"d{i:02d}", kind=["video", "poster", "podcast"][i % 3], status="draft" if i % 7 == 0 else "published",
            title=f"{title} số {i}", summary="học sinh tiểu học" if i % 2 else "nhà giáo",
            topics=[TOPICS[i % 3]] + ([TOPICS[(i + 1) % 3]] if i % 4 == 0 else []),
            levels=["thcs"] if i % 2 else ["thpt", "thcs"], org_id=f"org-{i % 4}", year=2025 + i % 2,
            published_at=f"2026-01-{1 + i % 28:02d}T00:00:00",
        ))
    return out


def _expected(docs: list[SearchDocument], keep: set[str]) -> dict[str, dict[str, int]]:
    chosen = [d for d in docs if d.id in keep]
    return {
        "kind": dict(Counter(d.kind for d in chosen)),
        "topic": dict(Counter(t for d in chosen for t in d.topics)),
        "level": dict(Counter(v for d in chosen for v in d.levels)),
        "org": dict(Counter(d.org_id for d in chosen)),
        "year": dict(Counter(str(d.year) for d in chosen)),
    }


def _all_ids(index: EmbeddedIndex, q: str, **kw: object) -> set[str]:
    return {h.id for h in index.search(SearchQuery(q=q, limit=200, facets=False, **kw)).hits}  # type: ignore[arg-type]


def test_facets_of_a_common_word_equal_direct_counts(tmp_path: Path) -> None:
    docs = _docs()
    index = EmbeddedIndex(tmp_path / "idx", facet_cache=0)
    index.upsert(docs)
    for _ in range(2):  # the second run subtracts from the counts kept for the snapshot
        for q in ("giáo dục", "hoc", "ngay hoi"):
            result = index.search(SearchQuery(q=q, visibility=PUBLISHED))
            keep = _all_ids(index, q, visibility=PUBLISHED)
            assert result.total == len(keep)
            got = {f: result.facets[f] for f in ("kind", "topic", "level", "org", "year")}
            assert got == _expected(docs, keep), q
    filtered = index.search(SearchQuery(q="giao duc", visibility=PUBLISHED, filters={"kind": ["video"]}))
    keep = _all_ids(index, "giao duc", visibility=PUBLISHED, filters={"kind": ["video"]})
    assert filtered.total == len(keep)
    assert filtered.facets["topic"] == _expected(docs, keep)["topic"]
    index.delete(["d01", "d02"])  # a new snapshot: nothing kept from the old one may leak
    after = index.search(SearchQuery(q="giáo dục", visibility=PUBLISHED))
    assert after.facets["kind"] == _expected(docs, _all_ids(index, "giáo dục", visibility=PUBLISHED))["kind"]


def test_strict_pass_ranks_like_the_loose_query(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "idx")
    index.upsert(_docs())
    for q in ("giáo dục", "dao tao", "hoc sinh tieu hoc"):
        top3 = [h.id for h in index.search(SearchQuery(q=q, visibility=EVERYONE, limit=3)).hits]
        top_all = [h.id for h in index.search(SearchQuery(q=q, visibility=EVERYONE, limit=200)).hits]
        assert top3 == top_all[:3], q


def test_strict_pages_walk_every_hit_once(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "idx")
    index.upsert(_docs())
    query = SearchQuery(q="giao duc", visibility=EVERYONE, limit=7, facets=False)
    first = index.search(query)
    seen = [h.id for h in first.hits]
    cursor = first.next_cursor
    while cursor:
        page = index.search(SearchQuery(q="giao duc", visibility=EVERYONE, limit=7, facets=False, cursor=cursor))
        seen += [h.id for h in page.hits]
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == first.total == 32


def test_too_few_strict_hits_fall_back_to_typos_and_prefixes(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "idx")
    index.upsert(_docs())
    assert index.search(SearchQuery(q="giao duv", visibility=EVERYONE)).total == 32  # typo: loose query
    assert index.search(SearchQuery(q="ngay ho", visibility=EVERYONE)).total == 8  # prefix of "hoi"


def test_regex_highlighting_matches_token_highlighting() -> None:
    text = 'Giáo dục <b>"số"</b> & đào tạo: học sinh, hoc, giaoduc, İstanbul giáo'
    fast = Highlighter({"giao", "duc", "so"}, prefix="ho")
    slow = Highlighter({"giao", "duc", "so"}, prefix="ho", fuzzy=["zzzzz"])  # fuzzy words: token by token
    assert fast.mark(text) == slow.mark(text)
    assert fast.mark(text).startswith("<mark>Giáo dục</mark> &lt;b&gt;&quot;<mark>số</mark>")
    long_text = "Mở đầu. " * 40 + "Giáo dục và đào tạo. " + "Kết. " * 40
    assert fast.fragment(long_text) == slow.fragment(long_text)


def test_ubiquitous_syllables_score_by_title_only_beside_rarer_ones() -> None:
    from search.embedded_query import QueryBuilder
    from search.embedded_schema import build_schema
    from search.embedded_strict import StrictBuilder
    from search.query import parse_query

    freq = {"giao": 70_000, "duc": 68_000, "tuyen": 4_000, "sinh": 9_000, "nghi": 43_000, "quyet": 44_000,
            "71": 37_000, "giaoduc": 60_000}
    builder = QueryBuilder(build_schema(), lambda _field, term: freq.get(term, 0), lambda *_: [], lambda: [],
                           num_docs=100_000)
    strict = StrictBuilder(builder)
    assert strict._ubiquitous(parse_query("giao duc tuyen sinh").terms) == {"giao": "title", "duc": "title"}
    assert strict._ubiquitous(parse_query("giao duc").terms) == {"giao": "lean", "duc": "lean"}
    # Every syllable common: those well above the rarest one keep the title only.
    assert strict._ubiquitous(parse_query("nghi quyet 71 giao duc").terms) == {
        "nghi": "lean", "quyet": "lean", "71": "lean", "giao": "title", "duc": "title"}
    # A glued pair in most documents adds no phrase boost; the rarer pairs do.
    assert len(strict._phrase_boosts(parse_query("giao duc tuyen sinh").terms)) == 2
    assert len(strict._phrase_boosts(parse_query("tuyen sinh").terms)) == 1
    small = StrictBuilder(QueryBuilder(build_schema(), lambda _f, t: freq.get(t, 0) // 10, lambda *_: [],
                                       lambda: [], num_docs=10_000))
    assert small._ubiquitous(parse_query("giao duc tuyen sinh").terms) == {}


def test_facet_under_its_own_filter_follows_writes(tmp_path: Path) -> None:
    docs = _docs()
    index = EmbeddedIndex(tmp_path / "idx", facet_cache=0)
    index.upsert(docs)
    visible = {d.id for d in docs if d.status == "published"}
    for topic in TOPICS[:2]:  # every value of the filter shares the counts kept for the snapshot
        result = index.search(SearchQuery(visibility=PUBLISHED, filters={"topic": [topic]}))
        assert result.facets["topic"] == _expected(docs, visible)["topic"]
        assert result.facets["kind"] == _expected(docs, {d.id for d in docs if d.id in visible
                                                          and topic in d.topics})["kind"]
    index.delete(["d01"])
    after = index.search(SearchQuery(visibility=PUBLISHED, filters={"topic": [TOPICS[0]]}))
    assert after.facets["topic"] == _expected(docs, visible - {"d01"})["topic"]


def test_truncated_base_counts_are_never_subtracted(tmp_path: Path, monkeypatch: object) -> None:
    import search.embedded_facets as facets

    monkeypatch.setattr(facets, "ALL_VALUES", 2)  # type: ignore[attr-defined]  # fewer than the 4 organisations
    docs = _docs()
    index = EmbeddedIndex(tmp_path / "idx", facet_cache=0)
    index.upsert(docs)
    for _ in range(2):
        result = index.search(SearchQuery(q="giao duc", visibility=PUBLISHED))
        assert result.facets["org"] == _expected(docs, _all_ids(index, "giao duc", visibility=PUBLISHED))["org"]


def test_near_pass_finds_what_the_loose_query_finds(tmp_path: Path) -> None:
    """A long query of known syllables with fewer strict hits than a page: the near pass (conjunctions
    leaving one unit out) returns the loose query's documents, and its cursors keep that mode."""
    from search import cursor as cursors
    from search.embedded_modes import text_for
    from search.embedded_query import combine

    words = ["Học", "tập", "suốt", "đời"]
    docs = [SearchDocument(id="all", kind="poster", title="Học tập suốt đời cho mọi người", status="published")]
    for i in range(4):  # every way to miss one word, several times each
        kept = " ".join(w for j, w in enumerate(words) if j != i)
        docs += [SearchDocument(id=f"miss{i}-{k}", kind="poster", title=f"{kept} bài {k}", status="published")
                 for k in range(3)]
    docs += [SearchDocument(id="two", kind="poster", title="Học tập cùng nhà giáo", status="published"),
             SearchDocument(id="other", kind="poster", title="Chuyển đổi số", summary="đời sống", status="published")]
    index = EmbeddedIndex(tmp_path / "idx", facet_cache=0)
    index.upsert(docs)

    q = "hoc tap suot doi"
    first = index.search(SearchQuery(q=q, visibility=EVERYONE, limit=5, facets=False))
    assert first.next_cursor is not None
    # Every document missing one word holds the others together: the adjacent form of the near pass.
    assert cursors.decode(first.next_cursor, SearchQuery(q=q, visibility=EVERYONE, limit=5)).mode == "near:adjacent"
    found, result = [h.id for h in first.hits], first
    while result.next_cursor is not None:
        result = index.search(SearchQuery(q=q, visibility=EVERYONE, limit=5, facets=False,
                                          cursor=result.next_cursor))
        found += [h.id for h in result.hits]
    _, searcher = index._current()
    parsed, builder = index._parse(searcher, q, False)
    loose = text_for(builder, parsed, "loose")
    assert loose is not None
    expected = {stored_source(searcher.doc(a))[0] for _, a in searcher.search(combine(loose.ranked, []), 100).hits}
    assert len(found) == len(set(found)) == first.total == 13
    assert set(found) == expected and found[0] == "all"

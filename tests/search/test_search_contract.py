"""One contract for every SearchIndex engine (embedded always; Meilisearch when MEILI_URL is set)."""

from __future__ import annotations

from typing import Any

import pytest

from search.cursor import InvalidCursor
from search.protocol import SearchIndex
from search.types import SearchDocument, SearchQuery, SearchResult, Visibility, VisibilityRule

EVERYONE = Visibility.everything()
PUBLISHED = Visibility.published_only()


def sq(**kw: Any) -> SearchQuery:
    return SearchQuery(**kw)


def doc(doc_id: str, title: str, summary: str = "", **kw: Any) -> SearchDocument:
    base: dict[str, Any] = {"kind": "infographic", "status": "published", "org_id": "so-hue",
                            "org_path": ["ubnd-hue"], "year": 2026, "published_at": "2026-01-01T00:00:00"}
    base.update(kw)
    return SearchDocument(id=doc_id, title=title, summary=summary, **base)


def ids(engine: SearchIndex, q: str = "", **kw: object) -> list[str]:
    kw.setdefault("visibility", EVERYONE)
    return [h.id for h in engine.search(sq(q=q, **kw)).hits]


def test_upsert_update_delete(engine: SearchIndex) -> None:
    engine.upsert([doc("a", "Tuyển sinh đầu cấp"), doc("b", "Chuyển đổi số trong nhà trường")])
    assert engine.count() == 2 and engine.ids() == {"a", "b"}
    assert ids(engine, "tuyển sinh") == ["a"]
    engine.upsert([doc("a", "Miễn học phí cho học sinh")])
    assert ids(engine, "tuyển sinh") == [] and ids(engine, "học phí") == ["a"]
    assert engine.count() == 2
    engine.delete(["a", "missing"])
    assert ids(engine, "học phí") == [] and engine.ids() == {"b"}
    engine.clear()
    assert engine.count() == 0


EVERY_MARK = "Đặng Thị Ánh Hồng ở Quảng Ngãi mừng lễ khai giảng, dạy tiếng Việt cho học trò ươm mầm"


@pytest.mark.parametrize("typed", ["dang", "thi", "anh", "hong", "o", "quang", "ngai", "mung", "le", "day",
                                   "tieng", "viet", "tro", "uom", "mam", "DANG", "Dang Thi Anh Hong"])
def test_folding_every_mark_and_d(engine: SearchIndex, typed: str) -> None:
    engine.upsert([doc("m", EVERY_MARK), doc("x", "Kế hoạch truyền thông")])
    assert ids(engine, typed) == ["m"]


def test_d_stroke_folds_both_ways(engine: SearchIndex) -> None:
    engine.upsert([doc("d", "Đội ngũ nhà giáo đạt chuẩn"), doc("x", "Kế hoạch truyền thông")])
    assert ids(engine, "doi ngu dat chuan") == ["d"]
    assert ids(engine, "đội ngũ") == ["d"]


def test_exact_diacritics_rank_first(engine: SearchIndex) -> None:
    engine.upsert([doc("duong-cam", "Tiếng dương cầm"), doc("duong-pho", "Con đường đến trường")])
    assert ids(engine, "đường")[0] == "duong-pho"
    assert ids(engine, "dương")[0] == "duong-cam"
    assert set(ids(engine, "duong")) == {"duong-cam", "duong-pho"}


@pytest.mark.parametrize("typed", ["giaos ducj", "ddaof taoj", "truwowngf hocj", "giáo ducj"])
def test_telex_leftovers(engine: SearchIndex, typed: str) -> None:
    engine.upsert([doc("g", "Giáo dục và đào tạo", "Trường học hạnh phúc"), doc("x", "Ngày hội thể thao")])
    assert ids(engine, typed)[:1] == ["g"]


@pytest.mark.parametrize("typed", ["giao vein", "nghi quyte", "truyen thonh", "ngi quyet",
                                   "giao duv dao tao"])
def test_one_letter_typos(engine: SearchIndex, typed: str) -> None:
    engine.upsert([doc("t", "Nghị quyết về giáo dục và đào tạo", "Truyền thông cho giáo viên"),
                   doc("x", "Ngày hội thể thao học đường")])
    assert ids(engine, typed)[:1] == ["t"]


def test_prefix_as_you_type(engine: SearchIndex) -> None:
    engine.upsert([doc("c", "Chuyển đổi số trong nhà trường"), doc("t", "Tuyển sinh đầu cấp")])
    assert ids(engine, "chuyển đổ") == ["c"]
    assert ids(engine, "tuyen si") == ["t"]
    assert engine.suggest("tuyen si", PUBLISHED) == ["Tuyển sinh đầu cấp"]
    assert engine.suggest("", PUBLISHED) == []


@pytest.mark.parametrize(("typed", "expected"), [
    ("THCS", "thcs"), ("trung học cơ sở", "thcs-abbr"), ("GDĐT", "gddt"), ("gddt", "gddt"),
    ("NQ 71", "nq"), ("nghi quyet 71", "nq"), ("CĐS", "cds"), ("Sở GDĐT", "so"),
])
def test_synonyms_and_abbreviations(engine: SearchIndex, typed: str, expected: str) -> None:
    engine.upsert([
        doc("thcs", "Định hướng cho học sinh trung học cơ sở"), doc("thcs-abbr", "Hướng nghiệp sau THCS"),
        doc("gddt", "Ngành giáo dục và đào tạo bứt phá"), doc("nq", "Điểm mới của Nghị quyết số 71-NQ/TW"),
        doc("cds", "Chuyển đổi số nhà trường"), doc("so", "Sở Giáo dục và Đào tạo Huế khen thưởng"),
        doc("x", "Ngày hội thể thao"),
    ])
    assert expected in ids(engine, typed)[:3]


def test_stop_words_are_not_required(engine: SearchIndex) -> None:
    engine.upsert([doc("s", "Học sinh tiểu học an toàn giao thông"), doc("x", "Ngày hội thể thao")])
    assert ids(engine, "an toàn của học sinh") == ["s"]
    assert ids(engine, "an toan cua hoc sinh") == ["s"]


def _facet_docs() -> list[SearchDocument]:
    return [
        doc("v1", "Video một", kind="video", topics=["chuyen-doi-so"], audiences=["nha-giao"],
            levels=["thcs"], channels=["youtube"], profiles=["web-hls", "youtube"], year=2025,
            org_id="truong-a", org_path=["ubnd-hue", "so-hue"], urgent=True),
        doc("v2", "Video hai", kind="video", topics=["chuyen-doi-so", "tuyen-sinh"], audiences=["hoc-sinh"],
            levels=["thpt"], channels=["tiktok"], profiles=["vertical"], year=2026, org_id="so-hue",
            org_path=["ubnd-hue"]),
        doc("i1", "Ảnh một", kind="infographic", topics=["tuyen-sinh"], audiences=["hoc-sinh", "nha-giao"],
            levels=["thcs", "thpt"], channels=["zalo"], profiles=["web-image"], year=2026, org_id="so-qn",
            org_path=["ubnd-qn"]),
        doc("d1", "Nháp", kind="video", status="draft", topics=["tuyen-sinh"], year=2026, org_id="so-hue",
            org_path=["ubnd-hue"]),
    ]


def test_facets_with_counts(engine: SearchIndex) -> None:
    engine.upsert(_facet_docs())
    facets = engine.search(sq(visibility=PUBLISHED)).facets
    assert facets["kind"] == {"video": 2, "infographic": 1}
    assert facets["topic"] == {"chuyen-doi-so": 2, "tuyen-sinh": 2}
    assert facets["audience"] == {"hoc-sinh": 2, "nha-giao": 2}
    assert facets["level"] == {"thcs": 2, "thpt": 2}
    assert facets["channel"] == {"youtube": 1, "tiktok": 1, "zalo": 1}
    assert facets["profile"] == {"web-hls": 1, "youtube": 1, "vertical": 1, "web-image": 1}
    assert facets["org"] == {"truong-a": 1, "so-hue": 1, "so-qn": 1}
    assert facets["year"] == {"2025": 1, "2026": 2}
    filtered = engine.search(sq(visibility=PUBLISHED, filters={"kind": ["video"]}))
    assert filtered.total == 2
    assert filtered.facets["kind"] == {"video": 2, "infographic": 1}  # its own filter left out
    assert filtered.facets["year"] == {"2025": 1, "2026": 1}


def test_facet_counts_follow_writes(engine: SearchIndex) -> None:
    engine.upsert(_facet_docs())
    assert engine.search(sq(visibility=PUBLISHED)).facets["kind"] == {"video": 2, "infographic": 1}
    engine.delete(["i1"])
    assert engine.search(sq(visibility=PUBLISHED)).facets["kind"] == {"video": 2}


@pytest.mark.parametrize(("field", "values", "expected"), [
    ("kind", ["infographic"], {"i1"}), ("topic", ["chuyen-doi-so"], {"v1", "v2"}),
    ("audience", ["nha-giao"], {"v1", "i1"}), ("level", ["thpt"], {"v2", "i1"}),
    ("channel", ["tiktok", "zalo"], {"v2", "i1"}), ("profile", ["youtube"], {"v1"}),
    ("org", ["so-hue"], {"v1", "v2"}), ("org", ["ubnd-qn"], {"i1"}), ("year", [2025], {"v1"}),
    ("urgent", [True], {"v1"}), ("status", ["published"], {"v1", "v2", "i1"}),
])
def test_each_filter(engine: SearchIndex, field: str, values: list[object], expected: set[str]) -> None:
    engine.upsert(_facet_docs())
    assert set(ids(engine, "", visibility=PUBLISHED, filters={field: values})) == expected


def test_unknown_filter_is_rejected(engine: SearchIndex) -> None:
    with pytest.raises(ValueError, match="unknown filter"):
        engine.search(sq(filters={"colour": ["red"]}))


def test_filters_combine_with_text(engine: SearchIndex) -> None:
    engine.upsert(_facet_docs())
    assert ids(engine, "video", visibility=PUBLISHED, filters={"year": [2026], "kind": ["video"]}) == ["v2"]


def test_visibility_policies(engine: SearchIndex) -> None:
    engine.upsert(_facet_docs())
    assert "d1" not in ids(engine, "nháp", visibility=PUBLISHED)
    assert ids(engine, "nháp", visibility=PUBLISHED) == []
    assert engine.search(sq(q="", visibility=PUBLISHED)).total == 3
    producer = Visibility.of(VisibilityRule(statuses=("published",)),
                             VisibilityRule(org_ids=("ubnd-hue",)))
    assert ids(engine, "nháp", visibility=producer) == ["d1"]
    own_only = Visibility.of(VisibilityRule(statuses=("published", "draft"), org_ids=("so-qn",)))
    assert set(ids(engine, "", visibility=own_only)) == {"i1"}
    assert ids(engine, "", visibility=Visibility(())) == []
    assert engine.suggest("nha", PUBLISHED) == []


def test_sorts(engine: SearchIndex) -> None:
    engine.upsert([
        doc("old", "Giáo dục một", published_at="2025-01-01T00:00:00", downloads=50),
        doc("new", "Giáo dục hai", published_at="2026-03-01T00:00:00", downloads=5),
        doc("mid", "Giáo dục ba", published_at="2025-06-01T00:00:00", downloads=500),
    ])
    assert ids(engine, "giao duc", sort="newest") == ["new", "mid", "old"]
    assert ids(engine, "giao duc", sort="downloads") == ["mid", "old", "new"]
    assert ids(engine, "", sort="relevance") == ["new", "mid", "old"]  # no text: newest first


def _walk(engine: SearchIndex, query: SearchQuery) -> list[str]:
    seen: list[str] = []
    cursor = query.cursor
    for _ in range(50):
        query.cursor = cursor
        page: SearchResult = engine.search(query)
        seen += [h.id for h in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("cursor never ended")


@pytest.mark.parametrize("sort", ["relevance", "newest", "downloads"])
def test_cursor_pagination(engine: SearchIndex, sort: str) -> None:
    engine.upsert([doc(f"p{i:02d}", f"Giáo dục trang {i}", "giáo dục " * (i % 5),
                       published_at=f"2026-01-{1 + i % 9:02d}T00:00:00", downloads=i % 4) for i in range(31)])
    everything = ids(engine, "giáo dục", sort=sort, limit=100)
    walked = _walk(engine, sq(q="giáo dục", visibility=EVERYONE, sort=sort, limit=7))
    assert walked == everything and len(set(walked)) == 31
    first = engine.search(sq(q="giáo dục", visibility=EVERYONE, sort=sort, limit=7))
    assert first.total == 31 and first.next_cursor
    with pytest.raises(InvalidCursor):
        engine.search(sq(q="khác", visibility=EVERYONE, sort=sort, cursor=first.next_cursor))
    with pytest.raises(InvalidCursor):
        engine.search(sq(q="giáo dục", visibility=EVERYONE, cursor="not-a-cursor"))


@pytest.mark.parametrize("sort", ["newest", "downloads"])
def test_keyset_cursor_survives_writes(engine: SearchIndex, sort: str) -> None:
    engine.upsert([doc(f"k{i:02d}", f"Tin {i}", published_at=f"2026-01-{1 + i:02d}T00:00:00", downloads=i)
                   for i in range(20)])
    first = engine.search(sq(q="tin", visibility=EVERYONE, sort=sort, limit=5))
    engine.upsert([doc("k99", "Tin mới nhất", published_at="2026-02-28T00:00:00", downloads=999)])
    engine.delete(["k00"])
    query = sq(q="tin", visibility=EVERYONE, sort=sort, limit=5, cursor=first.next_cursor)
    combined = [h.id for h in first.hits] + _walk(engine, query)
    assert len(combined) == len(set(combined))  # no duplicates
    assert set(combined) == {f"k{i:02d}" for i in range(1, 20)}  # no gaps; later inserts stay behind


def test_snippets_are_highlighted_and_escaped(engine: SearchIndex) -> None:
    long_summary = "Mở đầu về kế hoạch. " * 20 + "Giáo dục và đào tạo là quốc sách hàng đầu. " + "Kết. " * 40
    engine.upsert([doc("h", "Giáo dục <b>thông minh</b>", long_summary)])
    hit = engine.search(sq(q="giao duc", visibility=EVERYONE)).hits[0]
    assert hit.title_html.startswith("<mark>Giáo dục</mark>")
    assert "&lt;b&gt;" in hit.title_html and "<b>" not in hit.title_html
    assert "<mark>Giáo dục</mark>" in hit.summary_html
    assert len(hit.summary_html) < 400 and hit.summary_html.startswith("…")


def test_text_from_ocr_qa_and_captions_is_searchable(engine: SearchIndex) -> None:
    engine.upsert([
        doc("ocr", "Áp phích an toàn", ocr_text="Gọi đường dây nóng 111 khi cần giúp đỡ"),
        doc("qa", "Bộ câu hỏi", qa_text="Thí sinh thi mấy môn? Bốn môn."),
        doc("cap", "Phóng sự", caption_text="Cô giáo cắm bản ở Mù Cang Chải"),
    ])
    assert ids(engine, "duong day nong") == ["ocr"]
    assert ids(engine, "thi sinh thi may mon") == ["qa"]
    assert ids(engine, "mu cang chai") == ["cap"]


def test_health(engine: SearchIndex) -> None:
    engine.upsert([doc("a", "Một")])
    health = engine.health()
    assert health.ok and health.documents == 1 and health.engine == engine.engine


def test_a_fresh_index_has_nothing_to_refill(engine: SearchIndex) -> None:
    engine.upsert([doc("a", "Tuyển sinh đầu cấp")])
    assert engine.take_dropped_layout() is False and engine.count() == 1

"""Precision of the embedded engine: words held together beat scattered syllables, the owning organisation
is a filter and a small bonus (never text), a one-letter last word is completed, long queries are cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.embedded import EmbeddedIndex
from search.query import MAX_QUERY_CHARS, cut_query
from search.types import SearchDocument, SearchQuery, Visibility
from tests.search.relevance.evaluate import page_size_problems

HUE = ("so-hue", "Sở Giáo dục và Đào tạo thành phố Huế")
CAN_THO = ("so-can-tho", "Sở Giáo dục và Đào tạo thành phố Cần Thơ")


def doc(doc_id: str, title: str, org: tuple[str, str] = CAN_THO, summary: str = "") -> SearchDocument:
    return SearchDocument(id=doc_id, kind="poster", status="published", title=title, summary=summary,
                          org_id=org[0], org_name=org[1])


ADJACENT = [doc("ts-dau-cap", "Tuyển sinh đầu cấp năm học 2026-2027"),
            doc("ts-lop-10", "Bản tin: tuyển sinh lớp 10 trung học phổ thông")]
SCATTERED = [doc("tuyen-duong", "Tuyên dương học sinh đạt giải khoa học kỹ thuật"),
             doc("tuyen-truyen", "Tuyên truyền pháp luật cho học sinh, sinh viên"),
             doc("truyen-thong", "Tuyên truyền an toàn giao thông tại các cơ sở giáo dục trên địa bàn thành phố")]
OWNED = [doc("duoi-nuoc", "Cẩm nang phòng chống đuối nước mùa hè", HUE),
         doc("ts-hue", "Tuyển sinh lớp 10: lịch thi và hồ sơ", HUE),
         doc("ts-can-tho", "Tuyển sinh lớp 10: lịch thi và hồ sơ", CAN_THO),
         doc("hue-text", "Mô hình trường học hạnh phúc ở Huế")]


@pytest.fixture(params=[1, 2], ids=["one-shard", "two-shards"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedIndex]:
    engine = EmbeddedIndex(tmp_path / "idx", shards=request.param, facet_cache=0)
    engine.upsert([*ADJACENT, *SCATTERED, *OWNED])
    yield engine
    engine.close()


def ids(index: EmbeddedIndex, q: str, **kw: object) -> list[str]:
    query = SearchQuery(q=q, visibility=Visibility.published_only(), limit=50, facets=False)
    for key, value in kw.items():
        setattr(query, key, value)
    return [h.id for h in index.search(query).hits]


def test_scattered_syllables_drop_out_when_documents_hold_the_words_together(index: EmbeddedIndex) -> None:
    assert set(ids(index, "tuyen sinh")) == {"ts-dau-cap", "ts-lop-10", "ts-hue", "ts-can-tho"}
    assert set(ids(index, "tuyển sinh")) == set(ids(index, "tuyen sinh"))
    assert ids(index, "tuyen duong hoc sinh") == ["tuyen-duong"]  # the other way round too
    # "truyền thanh cơ sở" is a synonym group: only its phrases count as holding it together.
    assert ids(index, "truyen thanh co so") == ["truyen-thong"]  # nothing holds it: the scattered match
    index.upsert([doc("loa", "Bản tin phát trên loa truyền thanh cơ sở")])
    assert ids(index, "truyen thanh co so") == ["loa"]


def test_scattered_matches_come_back_when_nothing_holds_the_words(index: EmbeddedIndex) -> None:
    index.delete(["ts-dau-cap", "ts-lop-10", "ts-hue", "ts-can-tho"])
    assert set(ids(index, "tuyen sinh")) == {"tuyen-duong", "tuyen-truyen"}


def test_the_organisation_name_is_not_text(index: EmbeddedIndex) -> None:
    assert ids(index, "Huế") == ["hue-text"]
    assert "duoi-nuoc" not in ids(index, "giao duc") and "duoi-nuoc" not in ids(index, "đào tạo")
    assert ids(index, "duoi nuoc") == ["duoi-nuoc"]
    # The organisation is a filter (its subtree) and a facet.
    assert set(ids(index, "", filters={"org": ["so-hue"]})) == {"duoi-nuoc", "ts-hue"}
    facets = index.search(SearchQuery(q="tuyen sinh lop 10", visibility=Visibility.published_only())).facets
    assert facets["org"] == {"so-hue": 1, "so-can-tho": 2}


def test_the_organisation_name_is_a_small_bonus_among_matches(tmp_path: Path) -> None:
    """Two assets with the same text: the one whose owner the query names ranks first; both are found
    whether the query names an owner or not. One shard: with a dozen documents split in two, each
    shard's own term statistics move identical texts further apart than a small bonus."""
    index = EmbeddedIndex(tmp_path / "idx", facet_cache=0)
    index.upsert([*ADJACENT, *SCATTERED, *OWNED])
    ranked = ids(index, "tuyen sinh lop 10 hue")  # no text holds "Huế": one word may be missing
    assert ranked.index("ts-hue") < ranked.index("ts-can-tho")
    ranked = ids(index, "tuyen sinh lop 10 lich thi")
    assert {"ts-hue", "ts-can-tho"} <= set(ranked)


def test_suggestions_complete_a_one_letter_word_and_never_draw_from_the_organisation(
        index: EmbeddedIndex) -> None:
    visible = Visibility.published_only()
    index.upsert([doc("nq", "Hội nghị quán triệt Nghị quyết 71"), doc("ng", "Nghị quyết 71 đi vào cuộc sống")])
    assert set(index.suggest("nghi q", visible)) == {"Hội nghị quán triệt Nghị quyết 71",
                                                     "Nghị quyết 71 đi vào cuộc sống"}
    assert ids(index, "nghi q")[:2] and set(ids(index, "nghi q")) == {"nq", "ng"}
    assert index.suggest("tuyen s", visible) and all("Tuyên" not in s for s in index.suggest("tuyen s", visible))
    # "Sở Giáo dục và Đào tạo thành phố Huế" owns "Cẩm nang phòng chống đuối nước mùa hè".
    assert "Cẩm nang phòng chống đuối nước mùa hè" not in index.suggest("giao d", visible)
    assert index.suggest("Hu", visible) == ["Mô hình trường học hạnh phúc ở Huế"]


def test_a_page_size_never_changes_the_list(index: EmbeddedIndex) -> None:
    for k in range(30):  # more matches than the strict pass's threshold, and ties between them
        index.upsert([doc(f"gd-{k}", f"Giáo dục {'địa phương' if k % 3 else 'miền núi'} số {k % 4}")])
    for q in ["tuyen sinh", "giao duc", "giao duc so", "truyen thanh co so", "tuyen sinh lop 10 hue", "hoc s"]:
        assert page_size_problems(index, q) == []


def test_a_long_query_is_cut_at_a_word_boundary(index: EmbeddedIndex) -> None:
    words = "tuyển sinh đầu cấp " * 40
    cut = cut_query(words)
    assert len(cut) <= MAX_QUERY_CHARS and words.startswith(cut) and words[len(cut)] == " "
    assert cut_query("a" * 400) == "a" * MAX_QUERY_CHARS and cut_query(" x ") == " x "
    assert "ts-dau-cap" in ids(index, words)  # the engine cuts too: a caller passing a paragraph gets hits

"""Vietnamese text handling: folding (checked against tantivy's analyser), Telex, stop words, synonyms."""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import pytest
import tantivy

from search.embedded import EmbeddedIndex
from search.query import parse_query
from search.synonyms import SynonymFileError, default_synonyms, parse_synonyms
from search.types import SearchDocument, SearchQuery, Visibility
from search.vietnamese import fold, folded_syllables, has_marks, is_stop_word, nfc, syllables, telex_decode
from tests.support import wait_until

TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def every_vietnamese_letter() -> list[str]:
    letters = {"đ", "Đ"}
    for base in "aăâeêioôơuưy":
        for tone in TONES:
            for char in (base, base.upper()):
                letters.add(unicodedata.normalize("NFC", unicodedata.normalize("NFD", char) + tone))
    return sorted(letters)


def test_fold_removes_every_mark_and_d_stroke() -> None:
    letters = every_vietnamese_letter()
    assert len(letters) == 146
    for letter in letters:
        assert fold(letter) in set("aeiouyd"), letter
    assert fold("ĐƯỜNG Giáo dục ĐÀO TẠO") == "duong giao duc dao tao"


def test_fold_matches_the_index_analyser() -> None:
    analyser = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.ascii_fold()).build())
    for letter in every_vietnamese_letter():
        assert analyser.analyze(f"x{letter}x") == [fold(f"x{letter}x")]


def test_nfc_and_syllables() -> None:
    decomposed = unicodedata.normalize("NFD", "Nghị quyết")
    assert nfc(decomposed) == "Nghị quyết" and len(nfc(decomposed)) < len(decomposed)
    assert syllables(decomposed + " 71-NQ/TW") == ["nghị", "quyết", "71", "nq", "tw"]
    assert has_marks("dục") and not has_marks("duc")


def test_folding_a_whole_text_splits_it_as_folding_each_syllable() -> None:
    """Indexing folds a text once instead of each syllable: the same tokens, for every text of the
    relevance corpus (written from the plans), every letter and decomposed input."""
    from tests.search.relevance.evaluate import load_corpus

    lines = [text for d in load_corpus() for text in (d.title, d.summary, d.ocr_text, *d.tags)]
    lines += [" ".join(every_vietnamese_letter()), unicodedata.normalize("NFD", "Đường_Giáo-dục 71-NQ/TW")]
    assert len(lines) > 100
    for line in lines:
        assert folded_syllables(line) == [fold(s) for s in syllables(line)], line


@pytest.mark.parametrize(("typed", "meant"), [
    ("giaos", "giáo"), ("ducj", "dục"), ("ddaof", "đào"), ("taoj", "tạo"), ("truwowngf", "trường"),
    ("nghij", "nghị"), ("quyeets", "quyết"), ("vieen", "viên"), ("thoong", "thông"), ("tieengs", "tiếng"),
    ("hoaf", "hòa"), ("quys", "quý"), ("giuwax", "giữa"), ("hocj", "học"), ("ddi", "đi"), ("awn", "ăn"),
])
def test_telex_leftovers_decode(typed: str, meant: str) -> None:
    assert telex_decode(typed) == meant


@pytest.mark.parametrize("word", ["hoc", "giao", "facebook", "video", "zalo", "tiktok", "71", "ai"])
def test_plain_words_are_not_telex(word: str) -> None:
    assert telex_decode(word) is None


def test_query_prefers_known_words_over_telex() -> None:
    known = {"news", "giao"}.__contains__
    assert [t.text for t in parse_query("news giaos", known=known).terms] == ["news", "giáo"]


def test_stop_words() -> None:
    assert is_stop_word("và") and is_stop_word("cua") and not is_stop_word("giáo")
    parsed = parse_query("an toàn của học sinh")
    assert [t.folded for t in parsed.content_terms()] == ["an", "toan", "hoc", "sinh"]
    assert [t.text for t in parse_query("và của").content_terms()] == ["và", "của"]


def test_synonym_file_has_the_required_groups() -> None:
    table = default_synonyms()
    assert len(table.groups) >= 20
    for abbr in ["GDĐT", "NQ 71", "THCS", "THPT", "GDNN", "GDTX", "UBND", "SGDĐT", "HS", "GV", "CĐS"]:
        assert table.find([fold(s) for s in syllables(abbr)]), abbr
    meili = table.as_meilisearch()
    assert "trung học cơ sở" in meili["thcs"] and "gddt" in meili["giáo dục và đào tạo"]


@pytest.mark.parametrize(("text", "message"), [
    ("groups: []", "version"),
    ("version: 1\ngroups: [[THCS]]", "at least two"),
    ("version: 1\ngroups: [[THCS, '  ']]", "non-empty"),
    ("version: 1\ngroups: [[THCS, thcs]]", "repeats"),
    ("version: 1\ngroups: [[THCS, trung học cơ sở], [THCS, cấp 2]]", "already in group 0"),
    ("version: 1\ngroups: [[THCS, '---']]", "no letters"),
])
def test_synonym_file_is_validated(text: str, message: str) -> None:
    with pytest.raises(SynonymFileError, match=message):
        parse_synonyms(text)


def _doc(i: int) -> SearchDocument:
    return SearchDocument(id=f"d{i}", kind="video", status="published", title=f"Giáo dục số {i}")


def test_embedded_index_persists_and_sees_other_writers(tmp_path: Path) -> None:
    writer = EmbeddedIndex(tmp_path / "idx")
    writer.upsert([_doc(1)])
    reader = EmbeddedIndex(tmp_path / "idx")
    assert reader.count() == 1
    writer.upsert([_doc(2)])
    writer.close()
    # Readers poll meta.json at most twice a second: the new document shows within a few polls.
    wait_until(lambda: reader.count() == 2, 5, "the reader to see the writer's second document")
    assert reader.search(SearchQuery(q="giao duc", visibility=Visibility.published_only())).total == 2


def test_embedded_index_is_thread_safe() -> None:
    index = EmbeddedIndex(None)
    errors: list[BaseException] = []

    def write(start: int) -> None:
        try:
            for i in range(start, start + 20):
                index.upsert([_doc(i)])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(40):
                index.search(SearchQuery(q="giáo dục", visibility=Visibility.published_only()))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k * 100,)) for k in range(3)]
    threads += [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and index.count() == 60

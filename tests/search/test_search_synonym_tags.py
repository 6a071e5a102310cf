"""Synonym groups tagged at index time: a query naming a group reads its tag, and only while every
document was tagged with that very group; an edited table falls back to the phrase-by-phrase query until
the index is rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

from search.embedded import EmbeddedIndex
from search.embedded_synonyms import FILE_NAME
from search.synonyms import parse_synonyms
from search.types import SearchDocument, SearchQuery, Visibility

OLD = parse_synonyms("version: 1\ngroups:\n  - [NQ 71, Nghị quyết 71]\n")
NEW = parse_synonyms("version: 1\ngroups:\n  - [NQ 71, Nghị quyết 71]\n  - [TTCS, truyền thanh cơ sở]\n")
DOCS = [
    SearchDocument(id="nq", title="Học tập NQ 71 ở trường", kind="poster", status="published"),
    SearchDocument(id="long", title="Nghị quyết 71 về giáo dục", kind="poster", status="published"),
    SearchDocument(id="apart", title="Nghị quyết về 71 trường", kind="poster", status="published"),
    SearchDocument(id="ttcs", title="Bản tin TTCS tháng 11", kind="podcast", status="published"),
    SearchDocument(id="loa", title="Loa truyền thanh cơ sở ở xã", kind="podcast", status="published"),
]


def _ids(index: EmbeddedIndex, q: str) -> list[str]:
    result = index.search(SearchQuery(q=q, visibility=Visibility.everything(), facets=False, prefix=False))
    return [h.id for h in result.hits]


def test_group_keys_are_stable_and_found_in_overlapping_text() -> None:
    reordered = parse_synonyms("version: 1\ngroups:\n  - [Nghị quyết 71, NQ 71]\n")
    assert OLD.groups[0].key == reordered.groups[0].key
    assert NEW.groups[1].key != OLD.groups[0].key
    key = OLD.groups[0].key
    assert OLD.keys_in(["nq", "71", "nghi", "quyet", "71"]) == [key, key]
    assert OLD.keys_in(["nghi", "quyet", "so", "71"]) == []


def test_a_tagged_group_finds_every_spelling_as_a_phrase(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "idx", synonyms=OLD)
    index.upsert(DOCS)
    assert index._coverage.covers(OLD.groups[0].key)
    # The typed phrase and the other spelling stand together. Words scattered apart are not the group: they
    # count only when no document names it.
    ranked = _ids(index, "nghị quyết 71")
    assert ranked[0] == "long" and set(ranked) == {"nq", "long"}
    assert set(_ids(index, "nq 71")) == {"nq", "long"}
    for limit in (1, 2, 20):  # the page size never changes the list
        page = index.search(SearchQuery(q="nghi quyet 71", visibility=Visibility.everything(), facets=False,
                                        prefix=False, limit=limit))
        assert page.total == 2 and [h.id for h in page.hits] == ["long", "nq"][:limit]
    index.delete(["nq", "long"])
    assert _ids(index, "nghi quyet 71") == ["apart"]


def test_an_edited_table_is_searched_phrase_by_phrase_until_reindex(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    old = EmbeddedIndex(path, synonyms=OLD)
    old.upsert(DOCS)
    old.close()
    # A process with the new table: the index was tagged without the TTCS group.
    new = EmbeddedIndex(path, synonyms=NEW)
    assert not new._coverage.covers(NEW.groups[1].key)
    assert new._coverage.covers(NEW.groups[0].key)
    assert "1 synonym group(s) changed" in (new.health().detail or "")
    assert set(_ids(new, "TTCS")) == {"ttcs", "loa"}  # still right, the slow way
    # A write with the old table after a rebuild with the new one shrinks the record again.
    new.clear()
    new.upsert(DOCS)
    assert new._coverage.covers(NEW.groups[1].key)
    assert "synonym" not in (new.health().detail or "")
    assert set(_ids(new, "TTCS")) == {"ttcs", "loa"}  # now from the tag
    new.close()
    stale_writer = EmbeddedIndex(path, synonyms=OLD)
    stale_writer.upsert(DOCS[:1])
    stale_writer.close()
    record = json.loads((path / FILE_NAME).read_text())
    assert record["keys"] == [OLD.groups[0].key]
    reopened = EmbeddedIndex(path, synonyms=NEW)
    assert not reopened._coverage.covers(NEW.groups[1].key)
    assert set(_ids(reopened, "truyen thanh co so")) == {"ttcs", "loa"}


def test_an_unreadable_record_trusts_no_tag(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    index = EmbeddedIndex(path, synonyms=OLD)
    index.upsert(DOCS)
    index.close()
    (path / FILE_NAME).write_text("{not json")
    reopened = EmbeddedIndex(path, synonyms=OLD)
    assert not reopened._coverage.covers(OLD.groups[0].key)
    assert set(_ids(reopened, "nq 71")) >= {"nq", "long"}

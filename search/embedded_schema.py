"""Tantivy schema for the embedded engine and the mapping from `SearchDocument` to a tantivy document.

Text is indexed twice: `*_x` keeps diacritics (lowercase only) so an exact "đường" can be boosted over
"dương"; `*_f` is folded by tantivy's ASCII folding (which maps every Vietnamese mark and đ → d, checked in
the tests against `search.vietnamese.fold`). `shingle` holds adjacent folded syllables glued together
("giaoduc") so a typo in a short syllable is still one edit away from a whole word. `all_f` holds every
folded text once (no positions): the strict pass intersects one posting list per syllable there instead of
a union of fields per syllable, and scores with the per-field clauses. `syn` holds the key of every synonym
group one of whose phrases stands in the text ("NQ 71", "Nghị quyết 71-NQ/TW" → one key): a query naming
a group then reads one posting list instead of a union of every spelling's phrase, which at a million
documents walked millions of postings. `org_f` holds the owning organisation's name apart from the text:
"Sở Giáo dục và Đào tạo thành phố Huế" would otherwise make every asset of that Sở match "Huế", "giáo dục"
or "đào tạo", and complete unrelated queries; it only adds a little to the score of documents that match
by their own text (the organisation itself is the `org`/`orgtree` facet and filter).
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime

import tantivy

from search.facet_bits import MASK_FIELDS, FacetBits
from search.synonyms import SynonymTable
from search.types import SearchDocument
from search.vietnamese import folded_syllables, nfc

EXACT = "vi_exact"
FOLDED = "vi_fold"

# Facet/filter fields: raw (untokenised) fast text columns, aggregated by tantivy's terms aggregation.
KEYWORD_FIELDS: tuple[str, ...] = (
    "kind", "status", "topic", "audience", "level", "channel", "profile", "org", "orgtree", "year", "urgent",
    "language",
)
TIE_BITS = 20


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    sb.add_bytes_field("src", stored=True)
    sb.add_text_field("title_x", tokenizer_name=EXACT)
    sb.add_text_field("title_f", tokenizer_name=FOLDED)
    sb.add_text_field("body_x", tokenizer_name=EXACT)
    sb.add_text_field("body_f", tokenizer_name=FOLDED)
    sb.add_text_field("extra_f", tokenizer_name=FOLDED)
    sb.add_text_field("org_f", tokenizer_name=FOLDED, index_option="freq")
    sb.add_text_field("all_f", tokenizer_name=FOLDED, index_option="freq")
    sb.add_text_field("shingle", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("syn", tokenizer_name="whitespace", index_option="freq")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, fast=True, tokenizer_name="raw")
    for name in MASK_FIELDS.values():
        sb.add_unsigned_field(name, fast=True)
    sb.add_unsigned_field("k_new", fast=True, indexed=True)
    sb.add_unsigned_field("k_dl", fast=True, indexed=True)
    return sb.build()


def register_analyzers(index: tantivy.Index) -> None:
    def base() -> tantivy.TextAnalyzerBuilder:
        simple = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        return simple.filter(tantivy.Filter.remove_long(48)).filter(tantivy.Filter.lowercase())

    index.register_tokenizer(EXACT, base().build())
    index.register_tokenizer(FOLDED, base().filter(tantivy.Filter.ascii_fold()).build())
    whitespace = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    index.register_tokenizer("whitespace", whitespace.build())


def tie_breaker(doc_id: str) -> int:
    """Low bits of the sort keys: makes keys (almost) unique so keyset cursors are stable."""
    return zlib.crc32(doc_id.encode()) & ((1 << TIE_BITS) - 1)


def _epoch(value: str | None) -> int:
    if not value:
        return 0
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return max(0, int(parsed.timestamp()))


def newest_key(doc: SearchDocument) -> int:
    return (_epoch(doc.published_at or doc.updated_at) << TIE_BITS) | tie_breaker(doc.id)


def downloads_key(doc: SearchDocument) -> int:
    return (min(max(doc.downloads, 0), (1 << 40) - 1) << TIE_BITS) | tie_breaker(doc.id)


def _folded(texts: list[str]) -> list[list[str]]:
    return [folded_syllables(text) for text in texts if text]


def _shingles(folded_texts: list[list[str]]) -> str:
    return " ".join(a + b for folded in folded_texts for a, b in zip(folded, folded[1:], strict=False))


def _add_texts(d: tantivy.Document, fields: tuple[str, ...], texts: list[str]) -> None:
    for text in texts:
        if text:
            for name in fields:
                d.add_text(name, text)


def to_tantivy(doc: SearchDocument, bits: FacetBits, synonyms: SynonymTable) -> tantivy.Document:
    title = nfc(doc.title)
    summary = nfc(doc.summary)
    body = [summary, *map(nfc, doc.tags), *map(nfc, doc.labels)]
    d = tantivy.Document()
    d.add_text("id", doc.id)
    d.add_bytes("src", json.dumps({"t": title, "s": summary}, ensure_ascii=False).encode())
    _add_texts(d, ("title_x", "title_f"), [title])
    _add_texts(d, ("body_x", "body_f"), body)
    extra = [nfc(doc.qa_text), nfc(doc.ocr_text), nfc(doc.caption_text)]
    _add_texts(d, ("extra_f",), extra)
    _add_texts(d, ("org_f",), [nfc(doc.org_name)])
    _add_texts(d, ("all_f",), [title, *body, *extra])
    folded = _folded([title, *body])
    d.add_text("shingle", _shingles(folded))
    keys = [k for tokens in [*folded, *_folded(extra)] for k in synonyms.keys_in(tokens)]
    if keys:
        d.add_text("syn", " ".join(keys))
    keywords: dict[str, list[str]] = {
        "kind": [doc.kind], "status": [doc.status], "topic": doc.topics, "audience": doc.audiences,
        "level": doc.levels, "channel": doc.channels, "profile": doc.profiles,
        "org": [doc.org_id] if doc.org_id else [],
        "orgtree": list(dict.fromkeys([*doc.org_path, doc.org_id])) if doc.org_id else list(doc.org_path),
        "year": [str(doc.year)] if doc.year is not None else [],
        "urgent": ["true" if doc.urgent else "false"],
        "language": [doc.language],
    }
    for name, values in keywords.items():
        for value in values:
            if value:
                d.add_text(name, str(value))
    for name, mask_field in MASK_FIELDS.items():
        d.add_unsigned(mask_field, bits.mask(name, keywords[name]))
    d.add_unsigned("k_new", newest_key(doc))
    d.add_unsigned("k_dl", downloads_key(doc))
    return d


def stored_source(d: tantivy.Document) -> tuple[str, str, str]:
    """(id, title, summary) from a stored tantivy document."""
    src = json.loads(bytes(d.get_first("src") or b"{}"))
    return str(d.get_first("id")), str(src.get("t", "")), str(src.get("s", ""))

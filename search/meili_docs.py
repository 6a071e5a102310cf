"""Meilisearch side of the mapping: documents, index settings and filter expressions.

Meilisearch normalises text itself, but whether it maps đ → d depends on its tokenizer version, so every
text is also sent folded by `search.vietnamese.fold` (`*_fold` attributes) and queries are Telex-repaired
before they are sent. The ranking keeps the default rules; attribute order puts titles (exact then folded)
first, which is how an exact "đường" ranks above "dương".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from search.embedded_schema import downloads_key, newest_key
from search.synonyms import SynonymTable
from search.types import SearchDocument, Visibility
from search.vietnamese import STOP_WORDS, fold, nfc

FACET_ATTRS = {"kind": "kind", "topic": "topic", "audience": "audience", "level": "level",
               "channel": "channel", "profile": "profile", "org": "org", "year": "year"}
FILTER_ATTRS = {**FACET_ATTRS, "org": "orgtree", "status": "status", "urgent": "urgent", "language": "language"}
SORTS = {"newest": "k_new", "downloads": "k_dl"}  # unique numeric keys (< 2^53) for keyset cursors
STOP_WORDS_WITH_MARKS = ["và", "của", "các", "những", "là", "cho", "với", "trong", "được", "về", "có", "này",
                         "thì", "mà", "để", "một", "đến", "từ", "theo", "đã", "đang", "sẽ", "bị", "tại",
                         "nhằm", "như", "khi", "hoặc", "cũng", "rằng"]


def to_meili(doc: SearchDocument) -> dict[str, Any]:
    # The organisation is a filter and the last, weakest searchable attribute (`org_name`), never body
    # text: "Sở Giáo dục và Đào tạo thành phố Huế" would make each of its assets match "giáo dục" or "Huế".
    body = [doc.summary, *doc.tags, *doc.labels]
    extra = [doc.qa_text, doc.ocr_text, doc.caption_text]
    return {
        "id": doc.id, "kind": doc.kind, "status": doc.status, "title": nfc(doc.title),
        "summary": nfc(doc.summary), "tags": [nfc(t) for t in doc.tags],
        "labels": [nfc(t) for t in doc.labels],
        "org_name": nfc(doc.org_name), "qa_text": nfc(doc.qa_text), "ocr_text": nfc(doc.ocr_text),
        "caption_text": nfc(doc.caption_text),
        "title_fold": fold(doc.title), "body_fold": fold(" \n".join(body)),
        "extra_fold": fold(" \n".join(extra)),
        "topic": doc.topics, "audience": doc.audiences, "level": doc.levels, "channel": doc.channels,
        "profile": doc.profiles, "org": doc.org_id,
        "orgtree": list(dict.fromkeys([*doc.org_path, doc.org_id] if doc.org_id else doc.org_path)),
        "year": str(doc.year) if doc.year is not None else None, "urgent": doc.urgent, "language": doc.language,
        "k_new": newest_key(doc), "k_dl": downloads_key(doc), "downloads": doc.downloads,
    }


def settings(synonyms: SynonymTable) -> dict[str, Any]:
    return {
        "searchableAttributes": ["title", "title_fold", "tags", "labels", "summary", "body_fold",
                                 "qa_text", "ocr_text", "caption_text", "extra_fold", "org_name"],
        "displayedAttributes": ["id", "title", "summary", "k_new", "k_dl"],
        "filterableAttributes": ["id", *sorted(set(FILTER_ATTRS.values())), "k_new", "k_dl"],
        "sortableAttributes": ["k_new", "k_dl"],
        "synonyms": synonyms.as_meilisearch(),
        "stopWords": sorted(set(STOP_WORDS_WITH_MARKS) | STOP_WORDS),
        # Vietnamese syllables are short: the default (5 letters for one typo) tolerates almost nothing.
        "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8}},
        "faceting": {"maxValuesPerFacet": 200},
        "pagination": {"maxTotalHits": 100_000},
        # One document per asset id (versions are folded into the asset by the service), so no distinct
        # attribute is needed; suggestions de-duplicate titles client-side.
        "distinctAttribute": None,
    }


def _quote(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value), ensure_ascii=False)


def _in(attr: str, values: Sequence[object]) -> str:
    return f"{attr} IN [{', '.join(_quote(v) for v in values)}]"


def visibility_filter(visibility: Visibility) -> str:
    clauses = []
    for rule in visibility.rules:
        parts = []
        if rule.statuses is not None:
            parts.append(_in("status", rule.statuses) if rule.statuses else "id NOT EXISTS")
        if rule.org_ids is not None:
            parts.append(_in("orgtree", rule.org_ids) if rule.org_ids else "id NOT EXISTS")
        clauses.append("(" + " AND ".join(parts) + ")" if parts else "(id EXISTS)")
    return " OR ".join(clauses) if clauses else "id NOT EXISTS"


def filter_expression(filters: Mapping[str, Sequence[object]], visibility: Visibility,
                      skip: str | None = None, extra: str | None = None) -> str:
    parts = [f"({visibility_filter(visibility)})"]
    for name, values in filters.items():
        if name == skip or not values:
            continue
        if name not in FILTER_ATTRS:
            raise ValueError(f"unknown filter {name!r}")
        parts.append(_in(FILTER_ATTRS[name], values))
    if extra:
        parts.append(f"({extra})")
    return " AND ".join(parts)

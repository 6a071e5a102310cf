"""Controlled vocabularies (topics, audiences, levels, channels, kinds) and free-tag normalisation."""

from __future__ import annotations

import unicodedata
import uuid

from sqlalchemy.orm import Session

from service.errors import Unprocessable
from service.vocab import repository

# Asset metadata field → vocabulary name
TERM_FIELDS = {"topics": "topic", "audiences": "audience", "levels": "level", "channels": "channel"}


def normalise_tag(tag: str) -> str:
    return " ".join(unicodedata.normalize("NFC", tag).casefold().split())


def normalise_tags(tags: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for tag in tags:
        clean = normalise_tag(tag)
        if clean:
            seen.setdefault(clean[:100], None)
    return list(seen)


def resolve(session: Session, vocabulary: str, codes: list[str], *, allow_retired: frozenset[str] = frozenset()
            ) -> list[uuid.UUID]:
    """Codes → term ids. Unknown codes are a 422; a retired term may stay only where it already was."""
    terms = {t.code: t for t in repository.terms_by_codes(session, vocabulary, codes)}
    for code in codes:
        term = terms.get(code)
        if term is None or (term.retired_at is not None and code not in allow_retired):
            raise Unprocessable("unknown_term", vocabulary=vocabulary, term=code)
    return [terms[c].id for c in dict.fromkeys(codes)]


def codes_by_field(session: Session, asset_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, list[str]]]:
    by_vocab = {v: f for f, v in TERM_FIELDS.items()}
    out: dict[uuid.UUID, dict[str, list[str]]] = {}
    for asset_id, terms in repository.terms_of_assets(session, asset_ids).items():
        fields: dict[str, list[str]] = {f: [] for f in TERM_FIELDS}
        for term in terms:
            if term.vocabulary in by_vocab:
                fields[by_vocab[term.vocabulary]].append(term.code)
        out[asset_id] = fields
    return out

"""Controlled vocabularies (topics, audiences, levels, channels, kinds) and free-tag normalisation."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.audit import service as audit
from service.core.errors import Conflict, NotFound, Unprocessable
from service.identity.principal import Principal
from service.models import VocabularyTerm
from service.models.base import utcnow
from service.models.vocab import VOCABULARIES
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


def _parent(session: Session, vocabulary: str, parent_code: str | None, child: VocabularyTerm | None
            ) -> uuid.UUID | None:
    if not parent_code:
        return None
    parent = repository.by_code(session, vocabulary, parent_code)
    if parent is None:
        raise Unprocessable("invalid_parent", reason=f"unknown {vocabulary} term {parent_code}")
    seen: VocabularyTerm | None = parent
    while child is not None and seen is not None:  # walking up from the parent must never meet the child
        if seen.id == child.id:
            raise Unprocessable("invalid_parent", reason="a term cannot be below itself")
        seen = repository.get(session, seen.parent_id) if seen.parent_id else None
    return parent.id


def create_term(session: Session, principal: Principal, *, vocabulary: str, code: str, label_vi: str,
                label_en: str, parent_code: str | None = None) -> VocabularyTerm:
    if vocabulary not in VOCABULARIES:
        raise Unprocessable("validation_failed", reason=f"vocabulary must be one of {', '.join(VOCABULARIES)}")
    if repository.by_code(session, vocabulary, code):
        raise Conflict(reason=f"{vocabulary} term {code} exists")
    term = VocabularyTerm(vocabulary=vocabulary, code=code, label_vi=label_vi, label_en=label_en,
                          parent_id=_parent(session, vocabulary, parent_code, None),
                          position=repository.next_position(session, vocabulary))
    repository.add(session, term)
    audit.record(session, "vocabulary.term_created", "vocabulary_term", term.id, actor=principal,
                 vocabulary=vocabulary, code=code)
    return term


def edit_term(session: Session, principal: Principal, term_id: uuid.UUID, changes: dict[str, Any]
              ) -> VocabularyTerm:
    """Labels, parent and position change; the code never does (assets and API clients rely on it)."""
    term = get_term(session, term_id)
    before = {k: getattr(term, k) for k in ("label_vi", "label_en", "position", "parent_id")}
    for key in ("label_vi", "label_en", "position"):
        if changes.get(key) is not None:
            setattr(term, key, changes[key])
    if "parent_code" in changes:
        term.parent_id = _parent(session, term.vocabulary, changes["parent_code"], term)
    repository.add(session, term)
    after = {k: getattr(term, k) for k in before}
    audit.record(session, "vocabulary.term_edited", "vocabulary_term", term.id, actor=principal,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return term


def set_retired(session: Session, principal: Principal, term_id: uuid.UUID, retired: bool) -> VocabularyTerm:
    """A retired term stays on the assets that have it but can no longer be chosen (see `resolve`)."""
    term = get_term(session, term_id)
    term.retired_at = (term.retired_at or utcnow()) if retired else None
    repository.add(session, term)
    audit.record(session, "vocabulary.term_retired" if retired else "vocabulary.term_restored",
                 "vocabulary_term", term.id, actor=principal, code=term.code)
    return term


def get_term(session: Session, term_id: uuid.UUID) -> VocabularyTerm:
    term = repository.get(session, term_id)
    if term is None:
        raise NotFound(what="thuật ngữ / term")
    return term


# Reads the web pages show, offered here so that web/ calls services only (never a repository).
list_terms = repository.list_terms

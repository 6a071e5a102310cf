from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, uuid_pk

VOCABULARIES = ("topic", "audience", "level", "channel", "kind")


class VocabularyTerm(Base):
    __tablename__ = "vocabulary_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code", name="uq_vocabulary_terms_vocabulary_code"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    vocabulary: Mapped[str] = mapped_column(String(32), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label_vi: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vocabulary_terms.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)
    # Retired terms stay attached to old assets but cannot be chosen for new ones.
    retired_at: Mapped[datetime | None]


class SearchSynonym(Base):
    """Editable synonym/abbreviation groups (GDĐT ↔ giáo dục và đào tạo) pushed to the search engine."""

    __tablename__ = "search_synonyms"

    id: Mapped[uuid.UUID] = uuid_pk()
    terms: Mapped[list[str]]

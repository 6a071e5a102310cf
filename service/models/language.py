"""Language tables: captions of a version per language, and requests for a version in another language."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, now_col, uuid_pk


class Caption(Base):
    """A validated WebVTT caption file of one version in one language (stored in the object store)."""

    __tablename__ = "captions"
    __table_args__ = (UniqueConstraint("version_id", "language", name="uq_captions_version_language"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(35))
    object_key: Mapped[str] = mapped_column(String(600))
    cues: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")  # cue texts, one a line: transcript and search
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_col()


class TranslationRequest(Base):
    """A producer asks a unit with translators for a version of an asset in a language, by a date."""

    __tablename__ = "translation_requests"

    id: Mapped[uuid.UUID] = uuid_pk()
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(35))
    unit_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | delivered | cancelled
    variant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_col()

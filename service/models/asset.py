from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.models.base import Base, BigIntPK, now_col, utcnow, uuid_pk

ASSET_KINDS = ("infographic", "video", "podcast", "qa_set", "poster", "document")
# "approved": every approval given, published automatically once the required renditions are ready.
ASSET_STATUSES = ("draft", "in_review", "changes_requested", "approved", "published", "withdrawn", "superseded")
VERSION_STATUSES = ("draft", "in_review", "changes_requested", "approved", "published", "superseded", "rejected")


class Asset(Base):
    """The public face of a communication product. Its columns hold the metadata of the live version;
    a pending new version carries its proposed metadata in `Version.proposed` until approved."""

    __tablename__ = "assets"
    __table_args__ = (Index("ix_assets_status_updated", "status", "updated_at"),
                      Index("ix_assets_status_edited", "status", "edited_at"))

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    alt_text: Mapped[str] = mapped_column(Text, default="")
    # Read aloud (text to speech) into the podcast and loudspeaker outputs of an image, only when written.
    audio_description: Mapped[str] = mapped_column(Text, default="", server_default="")
    language: Mapped[str] = mapped_column(String(35), default="vi")  # BCP 47 (transcoding/languages.yaml)
    tags: Mapped[list[str]] = mapped_column(default=list)
    credit: Mapped[str] = mapped_column(String(300), default="")
    copyright_notice: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(100), default="")
    usage_terms: Mapped[str] = mapped_column(Text, default="")
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"),
                                                    index=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(24), default="draft")
    publish_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    urgent: Mapped[bool] = mapped_column(default=False)
    focal_x: Mapped[float] = mapped_column(Float, default=0.5)
    focal_y: Mapped[float] = mapped_column(Float, default=0.5)
    current_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("versions.id", ondelete="SET NULL", use_alter=True, name="fk_assets_current_version"))
    approvals: Mapped[int] = mapped_column(default=0)  # approvals gathered for the version under review
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # The asset that replaces a withdrawn one: its page, search and kits point people there.
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    download_count: Mapped[int] = mapped_column(default=0)
    # A language version points at the original it translates; the original and its versions form a group.
    variant_of_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = now_col()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the item last changed for its readers (metadata, version, status): what ninjs `versioncreated`,
    # ETags, the sync cursor and feed `<updated>` are built on. Row writes that are not editorial
    # (download counters, bookkeeping) move `updated_at` only; see `_stamp_editorial_changes`.
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssetTerm(Base):
    __tablename__ = "asset_terms"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    term_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vocabulary_terms.id", ondelete="RESTRICT"),
                                               primary_key=True, index=True)


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("asset_id", "number", name="uq_versions_asset_number"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(24), default="draft")
    object_key: Mapped[str] = mapped_column(String(600))
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # duplicates are refused across assets
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(120))
    original_filename: Mapped[str] = mapped_column(String(400))
    probe: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Metadata proposed with this version (applied to the asset when approved).
    proposed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    extracted_text: Mapped[str] = mapped_column(Text, default="")  # OCR / PDF / captions, for search
    caption_key: Mapped[str | None] = mapped_column(String(600))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_col()
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    # Set when processing failed or left a required rendition missing: publication is blocked until a
    # new file (or a successful re-run) replaces them. Shown to the producer.
    rendition_error_code: Mapped[str | None] = mapped_column(String(64))
    rendition_error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None]  # when the processing job last recorded this version's renditions
    # Where cover crops centre, as fractions of width and height. None until processing finds one from the
    # picture's text and saliency ("auto") or the producer sets it ("manual"); each save bumps the revision,
    # so a re-render started for an older point never overwrites the newer one's outputs.
    focal_x: Mapped[float | None] = mapped_column(Float)
    focal_y: Mapped[float | None] = mapped_column(Float)
    focal_source: Mapped[str | None] = mapped_column(String(8))
    focal_revision: Mapped[int] = mapped_column(default=0, server_default="0")


class Rendition(Base):
    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("version_id", "profile", "variant", name="uq_renditions_vpv"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    profile: Mapped[str] = mapped_column(String(64))
    variant: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(600))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration: Mapped[float | None]
    bitrate: Mapped[int | None]
    loudness_lufs: Mapped[float | None]
    true_peak_dbtp: Mapped[float | None]
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = now_col()


class QaItem(Base):
    __tablename__ = "qa_items"
    __table_args__ = (UniqueConstraint("version_id", "position", name="uq_qa_items_version_position"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)  # sanitised rich-text subset
    choices: Mapped[list[str]] = mapped_column(default=list)
    correct: Mapped[int | None]
    source: Mapped[str | None] = mapped_column(Text)


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[uuid.UUID] = uuid_pk()
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_col()


class CollectionItem(Base):
    __tablename__ = "collection_items"

    collection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"),
                                                     primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    profile: Mapped[str | None] = mapped_column(String(64))


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[uuid.UUID] = uuid_pk()
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"))
    review_event_id: Mapped[int | None] = mapped_column(ForeignKey("review_events.id", ondelete="SET NULL"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = now_col()


class ReviewEvent(Base):
    """Append-only workflow history of an asset (the audit trail holds the tamper-evident copy)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = now_col()


# Columns whose change is not news to a reader: everything else on an asset is editorial, so a column
# added later moves `edited_at` unless it is listed here.
NOT_EDITORIAL = frozenset({"download_count", "approvals", "updated_at", "edited_at"})


@event.listens_for(Session, "before_flush")
def _stamp_editorial_changes(session: Session, _context: object, _instances: object) -> None:
    """Move `edited_at` when an editorial column of an asset changed, whichever code path changed it."""
    for obj in session.dirty:
        if not isinstance(obj, Asset):
            continue
        state = inspect(obj)
        if "edited_at" in state.dict and state.attrs.edited_at.history.has_changes():
            continue
        if any(attr.key not in NOT_EDITORIAL and attr.history.has_changes() for attr in state.attrs):
            obj.edited_at = utcnow()

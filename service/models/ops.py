from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, BigIntPK, now_col, uuid_pk

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


class Job(Base):
    """Durable record of background work. The id is deterministic (e.g. "render:<version>:video"), so the
    same work is never queued twice; the queue only carries ids and can be re-derived from these rows."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_queued", "status", "queued_at"),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(64))
    worker: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]  # a running job whose lease lapsed belongs to a dead worker
    heartbeat_at: Mapped[datetime | None]
    not_before: Mapped[datetime | None]  # retry backoff
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    queued_at: Mapped[datetime] = now_col()
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # New on every claim: only the holder of the current token may extend the lease or record the outcome.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    # Infrastructure outages (storage, database, queue) are retried for a time window, not a number of tries.
    outage_since: Mapped[datetime | None]
    outage_retries: Mapped[int] = mapped_column(default=0, server_default="0")
    # A restart asked for while an attempt runs (a caption added during processing): that attempt read its
    # inputs when it started, so the job is queued again when it ends (`jobs.repository.finish`).
    rerun_requested: Mapped[bool] = mapped_column(default=False, server_default=false())


class OutboxEvent(Base):
    """Transactional outbox: written with the change it describes, consumed by the worker (search index,
    webhooks), so a down search engine or receiver never fails an upload or an approval."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_pending", "processed_at", "available_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = now_col()
    available_at: Mapped[datetime] = now_col()
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only and hash-chained: each row stores the hash of the previous one, so an edit made
    directly in the database breaks the chain (`kho audit verify`)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = now_col()
    actor_user_id: Mapped[uuid.UUID | None]
    actor_client_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(String(400), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # no two entries may fork the chain
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class UsageEvent(Base):
    __tablename__ = "usage_events"
    __table_args__ = (
        Index("ix_usage_at", "at"),
        Index("ix_usage_org_at", "organisation_id", "at"),
        Index("ix_usage_asset", "asset_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = now_col()
    kind: Mapped[str] = mapped_column(String(24))  # download | api_pull | feed_fetch | webhook_delivery
    asset_id: Mapped[uuid.UUID | None]
    version_id: Mapped[uuid.UUID | None]
    rendition_id: Mapped[uuid.UUID | None]
    profile: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None]
    api_client_id: Mapped[uuid.UUID | None]
    bytes_sent: Mapped[int | None] = mapped_column(BigInteger)


class Upload(Base):
    """A resumable (tus) upload in progress. Its bytes are staged in the object store, one object per
    PATCH under `staging_prefix` (listed in `upload_parts`), so any API host can take the next PATCH;
    the row's offset is the truth and only moves by compare-and-set."""

    __tablename__ = "uploads"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    length: Mapped[int | None] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    upload_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    staging_prefix: Mapped[str] = mapped_column(String(600))
    asset_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = now_col()
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class UploadPart(Base):
    """One accepted PATCH of a tus upload: the staged object holding bytes [offset, offset + size)."""

    __tablename__ = "upload_parts"

    upload_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    object_key: Mapped[str] = mapped_column(String(600))
    created_at: Mapped[datetime] = now_col()


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = uuid_pk()
    api_client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]]
    secret: Mapped[str] = mapped_column(String(200))  # whsec_…, needed in clear to sign
    active: Mapped[bool] = mapped_column(default=True)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = now_col()


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
                                                       index=True)
    message_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = now_col()


class ReportTarget(Base):
    """Campaign targets set as data, e.g. 20–30 digital products a year for a city."""

    __tablename__ = "report_targets"

    id: Mapped[uuid.UUID] = uuid_pk()
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    org_kind: Mapped[str | None] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))  # "year" | "half"
    target_min: Mapped[float]
    target_max: Mapped[float | None]

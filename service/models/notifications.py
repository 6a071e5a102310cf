"""Notifications for people (in-app and e-mail), their preferences, and the e-mail outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, now_col, uuid_pk


class Notification(Base):
    """One event for one person. `event_key` names the event (e.g. "withdrawn:<asset>"), so a consumer that
    runs twice for the same outbox event never notifies anyone twice."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "event_key", name="uq_notifications_user_event"),
                      Index("ix_notifications_user_read", "user_id", "read_at"))

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    event_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(600))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(600), default="")
    asset_id: Mapped[uuid.UUID | None]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = now_col()
    read_at: Mapped[datetime | None]
    # "none" (no e-mail wanted or possible), "digest" (waits for the daily digest), "queued" (in an e-mail).
    email_state: Mapped[str] = mapped_column(String(16), default="none")


class NotificationPreference(Base):
    """How a person wants one kind of notification: immediately, in a daily digest, or not by e-mail."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))  # immediate | digest | off


class EmailMessage(Base):
    """An e-mail to send, written in the transaction that created its notifications. `idempotency_key`
    (one per notification or per digest) makes a second row for the same event impossible; the claim
    columns let several workers share the work without sending one message twice."""

    __tablename__ = "email_messages"
    __table_args__ = (Index("ix_email_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(600))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    notification_ids: Mapped[list[str]] = mapped_column(default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = now_col()
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = now_col()
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

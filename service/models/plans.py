"""Plans (kế hoạch), their tasks and targets (chỉ tiêu), evidence of use (minh chứng), unit contacts, the
reporting line (tuyến báo cáo), frozen reports and the once-a-day usage tally reports count from."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, now_col, utcnow, uuid_pk

TASK_STATUSES = ("not_started", "in_progress", "done", "overdue")
MEASURES = ("products_published", "contact_share", "active_schools_share", "staff_reached_share", "declared")
EVIDENCE_REVIEW = ("pending", "accepted", "returned")
CONTACT_ROLES = ("contact", "spokesperson")


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[uuid.UUID] = uuid_pk()
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"),
                                                       index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    number: Mapped[str] = mapped_column(String(100), default="")  # "255/KH-BGDĐT"
    issued_on: Mapped[date | None] = mapped_column(Date)
    parent_plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    document_key: Mapped[str | None] = mapped_column(String(600))
    document_name: Mapped[str | None] = mapped_column(String(400))
    document_type: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_col()


class PlanTask(Base):
    __tablename__ = "plan_tasks"

    id: Mapped[uuid.UUID] = uuid_pk()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(32), default="")  # "II.3"
    section: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str] = mapped_column(Text)
    lead_unit: Mapped[str] = mapped_column(String(300), default="")
    lead_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                          index=True)
    partner_units: Mapped[list[str]] = mapped_column(default=list)
    expected_product: Mapped[str] = mapped_column(Text, default="")
    timing: Mapped[str] = mapped_column(String(200), default="")  # as written: "Quý I/2026"
    due_on: Mapped[date | None] = mapped_column(Date)
    recurrence: Mapped[str | None] = mapped_column(String(32))  # yearly | continuous | as_planned | per_phase
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = now_col()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TaskNote(Base):
    __tablename__ = "task_notes"

    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = now_col()


class TaskAsset(Base):
    __tablename__ = "task_assets"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True,
                                                index=True)


class Target(Base):
    """A target of a plan, or a template (no plan) to copy from. `applies_to` "children" means every unit of
    `child_kind` reporting to the plan's unit is measured against it."""

    __tablename__ = "targets"

    id: Mapped[uuid.UUID] = uuid_pk()
    plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(Text)
    unit_of_measure: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[float]
    value_max: Mapped[float | None]
    is_percent: Mapped[bool] = mapped_column(default=False)
    period: Mapped[str] = mapped_column(String(8), default="year")  # year | half
    applies_to: Mapped[str] = mapped_column(String(16), default="self")  # self | children
    child_kind: Mapped[str | None] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text, default="")  # the plan sentence it was taken from


class TargetDeclaration(Base):
    """A declared result ("70% trained": 14 of 20) with its proof attached."""

    __tablename__ = "target_declarations"
    __table_args__ = (UniqueConstraint("target_id", "organisation_id", "period", name="uq_declaration"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    target_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    achieved: Mapped[float]
    total: Mapped[float | None]
    note: Mapped[str] = mapped_column(Text, default="")
    attachment_key: Mapped[str | None] = mapped_column(String(600))
    attachment_name: Mapped[str | None] = mapped_column(String(400))
    declared_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = now_col()


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_org_used", "organisation_id", "used_on"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    used_on: Mapped[date] = mapped_column(Date)
    post_url: Mapped[str | None] = mapped_column(String(2000))
    views: Mapped[int | None]
    listeners: Mapped[int | None]
    copies: Mapped[int | None]
    staff_reached: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    image_key: Mapped[str | None] = mapped_column(String(600))
    image_type: Mapped[str | None] = mapped_column(String(120))
    review: Mapped[str] = mapped_column(String(16), default="pending")
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_col()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UnitContact(Base):
    """The contact person (đầu mối) and the spokesperson of a unit, kept by the unit itself."""

    __tablename__ = "unit_contacts"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UnitProfile(Base):
    """Facts a unit declares about itself that targets need (staff counts for "share of staff reached")."""

    __tablename__ = "unit_profiles"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       primary_key=True)
    staff_count: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReportingLine(Base):
    """`organisation_id` reports to `reports_to_id` for education communication. Units without any row
    follow the rule derived from the tree (service/plans/lines.py); a row, once written, is the truth."""

    __tablename__ = "reporting_lines"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       primary_key=True)
    reports_to_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                     primary_key=True, index=True)
    origin: Mapped[str] = mapped_column(String(16), default="seeded")  # seeded | edited
    created_at: Mapped[datetime] = now_col()


class ReportSnapshot(Base):
    """A report submitted to the parent: its figures are frozen here and never recomputed."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("organisation_id", "period", name="uq_report_snapshot"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    frozen_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    frozen_at: Mapped[datetime] = now_col()


class UsageDaily(Base):
    """One row per (local day, actor, asset, kind): a download counts once per person per asset per day.
    Written in the same transaction as the usage event (ON CONFLICT DO NOTHING)."""

    __tablename__ = "usage_daily"
    __table_args__ = (Index("ix_usage_daily_org_day", "organisation_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    actor: Mapped[str] = mapped_column(String(40), primary_key=True)  # u:<hex> | c:<hex> | o:<hex>
    asset_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    organisation_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None]
    channel: Mapped[str | None] = mapped_column(String(64))


__all__ = ["Evidence", "Plan", "PlanTask", "ReportSnapshot", "ReportingLine", "Target",
           "TargetDeclaration", "TaskAsset", "TaskNote", "UnitContact", "UnitProfile", "UsageDaily"]

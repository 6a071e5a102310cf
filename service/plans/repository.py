"""SQL of the plans domain: plans, tasks, targets, declarations, evidence, contacts, reporting lines."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import Uuid

from service.models import (
    Asset,
    Evidence,
    Organisation,
    Plan,
    PlanTask,
    ReportingLine,
    ReportSnapshot,
    Target,
    TargetDeclaration,
    TaskAsset,
    TaskNote,
    UnitContact,
    UnitProfile,
    VocabularyTerm,
)
from service.plans.lines import Unit


def in_ids(session: Session, column: InstrumentedAttribute[Any], ids: Collection[uuid.UUID] | None
           ) -> ColumnElement[bool]:
    """`column IN ids` that stays one bound parameter on PostgreSQL (a Ministry's scope is ~40k units,
    past the 65k-parameter limit of an expanded IN). None means every unit: no condition at all."""
    if ids is None:
        return true()
    if session.get_bind().dialect.name == "postgresql":
        return column == func.any(bindparam(f"ids_{uuid.uuid4().hex[:8]}", list(ids), type_=ARRAY(Uuid())))
    return column.in_(list(ids))


def units(session: Session) -> dict[uuid.UUID, Unit]:
    q = select(Organisation.id, Organisation.parent_id, Organisation.kind, Organisation.name, Organisation.code)
    return {i: Unit(i, p, k, n, c) for i, p, k, n, c in session.execute(q)}


def explicit_lines(session: Session) -> list[tuple[uuid.UUID, uuid.UUID]]:
    return [(a, b) for a, b in session.execute(select(ReportingLine.organisation_id, ReportingLine.reports_to_id))]


def replace_lines(session: Session, org_id: uuid.UUID, to_ids: list[uuid.UUID], origin: str) -> None:
    session.execute(delete(ReportingLine).where(ReportingLine.organisation_id == org_id))
    session.add_all(ReportingLine(organisation_id=org_id, reports_to_id=t, origin=origin) for t in to_ids)
    session.flush()


def orgs(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(in_ids(session, Organisation.id, ids)))}


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()


def plan(session: Session, plan_id: uuid.UUID) -> Plan | None:
    return session.get(Plan, plan_id)


def plans_of(session: Session, org_ids: Collection[uuid.UUID], year: int | None = None) -> list[Plan]:
    q = select(Plan).where(in_ids(session, Plan.organisation_id, org_ids))
    if year:
        q = q.where(Plan.year == year)
    return list(session.scalars(q.order_by(Plan.year.desc(), Plan.issued_on)))


def tasks_of(session: Session, plan_ids: Collection[uuid.UUID]) -> list[PlanTask]:
    if not plan_ids:
        return []
    return list(session.scalars(select(PlanTask).where(in_ids(session, PlanTask.plan_id, plan_ids))
                                .order_by(PlanTask.plan_id, PlanTask.created_at, PlanTask.position)))


def tasks_led_by(session: Session, org_ids: Collection[uuid.UUID], limit: int = 1000) -> list[PlanTask]:
    return list(session.scalars(select(PlanTask).where(in_ids(session, PlanTask.lead_org_id, org_ids))
                                .order_by(PlanTask.due_on, PlanTask.created_at).limit(limit)))


def task(session: Session, task_id: uuid.UUID) -> PlanTask | None:
    return session.get(PlanTask, task_id)


def notes_of(session: Session, task_id: uuid.UUID) -> list[TaskNote]:
    return list(session.scalars(select(TaskNote).where(TaskNote.task_id == task_id).order_by(TaskNote.at)))


def task_assets(session: Session, task_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    if task_ids:
        for t, a in session.execute(select(TaskAsset.task_id, TaskAsset.asset_id)
                                    .where(in_ids(session, TaskAsset.task_id, task_ids))):
            out.setdefault(t, []).append(a)
    return out


def asset_exists(session: Session, asset_id: uuid.UUID) -> bool:
    return session.get(Asset, asset_id) is not None


def link_asset(session: Session, task_id: uuid.UUID, asset_id: uuid.UUID) -> None:
    if session.get(TaskAsset, (task_id, asset_id)) is None:
        add(session, TaskAsset(task_id=task_id, asset_id=asset_id))


def templates(session: Session) -> list[Target]:
    return list(session.scalars(select(Target).where(Target.plan_id.is_(None)).order_by(Target.code)))


def targets_of(session: Session, plan_ids: Collection[uuid.UUID]) -> list[Target]:
    if not plan_ids:
        return []
    return list(session.scalars(select(Target).where(in_ids(session, Target.plan_id, plan_ids))
                                .order_by(Target.code)))


def target(session: Session, target_id: uuid.UUID) -> Target | None:
    return session.get(Target, target_id)


def declarations(session: Session, target_ids: Collection[uuid.UUID], period: str
                 ) -> dict[tuple[uuid.UUID, uuid.UUID], TargetDeclaration]:
    if not target_ids:
        return {}
    q = select(TargetDeclaration).where(in_ids(session, TargetDeclaration.target_id, target_ids),
                                        TargetDeclaration.period == period)
    return {(d.target_id, d.organisation_id): d for d in session.scalars(q)}


def declaration(session: Session, target_id: uuid.UUID, org_id: uuid.UUID, period: str) -> TargetDeclaration | None:
    return session.scalar(select(TargetDeclaration).where(
        TargetDeclaration.target_id == target_id, TargetDeclaration.organisation_id == org_id,
        TargetDeclaration.period == period))


def evidence(session: Session, evidence_id: uuid.UUID) -> Evidence | None:
    return session.get(Evidence, evidence_id)


def evidence_of(session: Session, org_ids: Collection[uuid.UUID], start: date | None = None,
                end: date | None = None, limit: int = 500) -> list[Evidence]:
    q = select(Evidence).where(in_ids(session, Evidence.organisation_id, org_ids))
    if start:
        q = q.where(Evidence.used_on >= start)
    if end:
        q = q.where(Evidence.used_on < end)
    return list(session.scalars(q.order_by(Evidence.used_on.desc(), Evidence.created_at.desc()).limit(limit)))


def contacts_of(session: Session, org_ids: Collection[uuid.UUID]) -> list[UnitContact]:
    if not org_ids:
        return []
    return list(session.scalars(select(UnitContact).where(in_ids(session, UnitContact.organisation_id, org_ids))))


def contact(session: Session, org_id: uuid.UUID, role: str) -> UnitContact | None:
    return session.get(UnitContact, (org_id, role))


def profile(session: Session, org_id: uuid.UUID) -> UnitProfile | None:
    return session.get(UnitProfile, org_id)


def snapshot(session: Session, org_id: uuid.UUID, period: str) -> ReportSnapshot | None:
    return session.scalar(select(ReportSnapshot).where(ReportSnapshot.organisation_id == org_id,
                                                       ReportSnapshot.period == period))


def overdue_candidates(session: Session, today: date) -> list[PlanTask]:
    """Tasks past their due date that are neither done nor yet marked overdue."""
    return list(session.scalars(select(PlanTask).where(
        PlanTask.due_on < today, or_(PlanTask.status == "not_started", PlanTask.status == "in_progress"))))


def channel_codes(session: Session) -> list[str]:
    return list(session.scalars(select(VocabularyTerm.code).where(VocabularyTerm.vocabulary == "channel")
                                .order_by(VocabularyTerm.code)))

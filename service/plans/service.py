"""Plans, their tasks (typed in or imported from the appendix table) and their targets."""

from __future__ import annotations

import io
import unicodedata
import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service.core.db import on_rollback
from service.core.errors import Forbidden, KhoError, NotFound
from service.identity.principal import Principal
from service.models import Organisation, Plan, PlanTask, Target, TargetDeclaration, TaskNote
from service.models.base import utcnow
from service.plans import access, repository
from service.plans.schemas import DeclarationIn, PlanIn, PlanOut, TargetIn, TaskIn, TaskOut, TaskPatch
from service.plans.table_import import read_table, rows_from_table
from service.plans.timing import parse_timing
from storage.base import ObjectStore

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def reference(plan: Plan) -> str:
    when = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
    return f"{plan.number}{when}".strip()


def plan_out(plan: Plan) -> PlanOut:
    return PlanOut(id=plan.id, organisation_id=plan.organisation_id, year=plan.year, title=plan.title,
                   number=plan.number, issued_on=plan.issued_on, reference=reference(plan),
                   parent_plan_id=plan.parent_plan_id, document_name=plan.document_name,
                   checkpoints=[f"{plan.year}-H1", str(plan.year)])


def effective_status(task: PlanTask, today: date) -> str:
    if task.status != "done" and task.due_on is not None and task.due_on < today:
        return "overdue"
    return task.status


def task_out(task: PlanTask, today: date, assets: list[uuid.UUID] | None = None) -> TaskOut:
    return TaskOut(id=task.id, plan_id=task.plan_id, position=task.position, section=task.section, title=task.title,
                   lead_unit=task.lead_unit, lead_org_id=task.lead_org_id, partner_units=task.partner_units,
                   expected_product=task.expected_product, timing=task.timing, due_on=task.due_on,
                   recurrence=task.recurrence, status=effective_status(task, today), asset_ids=assets or [])


def get_plan(session: Session, principal: Principal, plan_id: uuid.UUID) -> Plan:
    plan = repository.plan(session, plan_id)
    if plan is None:
        raise NotFound(what="kế hoạch / plan")
    access.require_visible(session, principal, plan.organisation_id)
    return plan


def _managed_plan(session: Session, principal: Principal, plan_id: uuid.UUID) -> tuple[Plan, Organisation]:
    plan = get_plan(session, principal, plan_id)
    org = repository.orgs(session, [plan.organisation_id])[plan.organisation_id]
    access.require_own_unit_manager(principal, org)
    return plan, org


def create_plan(session: Session, principal: Principal, body: PlanIn) -> Plan:
    org = access.org_by_code(session, body.organisation_code) if body.organisation_code else \
        repository.orgs(session, [principal.organisation_id])[principal.organisation_id]
    access.require_own_unit_manager(principal, org)
    if body.parent_plan_id is not None and repository.plan(session, body.parent_plan_id) is None:
        raise KhoError("validation_failed", status=422, reason="unknown parent plan")
    plan = Plan(organisation_id=org.id, year=body.year, title=nfc(body.title), number=nfc(body.number),
                issued_on=body.issued_on, parent_plan_id=body.parent_plan_id, created_by_id=principal.user_id)
    repository.add(session, plan)
    return plan


def attach_document(session: Session, store: ObjectStore, principal: Principal, plan_id: uuid.UUID,
                    content: bytes, filename: str, content_type: str) -> Plan:
    plan, _ = _managed_plan(session, principal, plan_id)
    if not content or len(content) > MAX_DOCUMENT_BYTES:
        raise KhoError("validation_failed", status=422, reason="document must be 1 byte – 50 MiB")
    key = f"plans/{plan.id.hex}/{uuid.uuid4().hex}"
    store.put(key, io.BytesIO(content), size=len(content), content_type=content_type)
    on_rollback(session, lambda: store.delete(key))
    plan.document_key, plan.document_name, plan.document_type = key, nfc(filename)[:400], content_type[:120]
    session.flush()
    return plan


def _lead_org(session: Session, name: str) -> uuid.UUID | None:
    """A lead unit written as text ("Văn phòng Bộ") resolves to the one unit with that name, if exactly one."""
    if not name:
        return None
    wanted = nfc(name).casefold()
    matches = [u.id for u in repository.units(session).values() if nfc(u.name).casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


def add_task(session: Session, principal: Principal, plan_id: uuid.UUID, body: TaskIn) -> PlanTask:
    plan, _ = _managed_plan(session, principal, plan_id)
    parsed = parse_timing(body.timing, plan.year) if body.timing else None
    lead_id = access.org_by_code(session, body.lead_organisation_code).id if body.lead_organisation_code \
        else _lead_org(session, body.lead_unit)
    task = PlanTask(plan_id=plan.id, position=nfc(body.position), title=nfc(body.title), lead_unit=nfc(body.lead_unit),
                    lead_org_id=lead_id, partner_units=[nfc(p) for p in body.partner_units],
                    expected_product=nfc(body.expected_product), timing=nfc(body.timing),
                    due_on=body.due_on or (parsed.due_on if parsed else None),
                    recurrence=parsed.recurrence if parsed else None)
    repository.add(session, task)
    return task


def import_tasks(session: Session, principal: Principal, plan_id: uuid.UUID, content: bytes, filename: str,
                 dry_run: bool = False) -> tuple[int, list[Any]]:
    """Every row is reported; rows with a problem are not created, the others are (one transaction)."""
    plan, _ = _managed_plan(session, principal, plan_id)
    rows = rows_from_table(read_table(content, filename), plan.year)
    created = 0
    for row in rows:
        if row.problems or dry_run:
            continue
        repository.add(session, PlanTask(
            plan_id=plan.id, position=row.position, section=row.section, title=row.title, lead_unit=row.lead_unit,
            lead_org_id=_lead_org(session, row.lead_unit), partner_units=row.partner_units,
            expected_product=row.expected_product, timing=row.timing, due_on=row.due_on, recurrence=row.recurrence))
        created += 1
    return created, rows


def tasks_visible(session: Session, principal: Principal, plan_id: uuid.UUID) -> list[TaskOut]:
    plan = get_plan(session, principal, plan_id)
    tasks = repository.tasks_of(session, [plan.id])
    links = repository.task_assets(session, [t.id for t in tasks])
    today = utcnow().date()
    return [task_out(t, today, links.get(t.id)) for t in tasks]


def tasks_led(session: Session, principal: Principal, overdue_only: bool) -> list[TaskOut]:
    """Tasks led by the caller's unit, or (for its reviewers and admins) by any unit reporting to it."""
    tasks = repository.tasks_led_by(session, access.visible_units(session, principal))
    today = utcnow().date()
    out = [task_out(t, today) for t in tasks]
    return [t for t in out if t.status == "overdue"] if overdue_only else out


def update_task(session: Session, principal: Principal, task_id: uuid.UUID, body: TaskPatch) -> PlanTask:
    task = repository.task(session, task_id)
    if task is None:
        raise NotFound(what="nhiệm vụ / task")
    # The lead unit reports progress (it may not see the rest of the plan); the plan's owner may too.
    is_lead = task.lead_org_id == principal.organisation_id and principal.kind == "user"
    if not is_lead:
        plan = get_plan(session, principal, task.plan_id)
        owner = repository.orgs(session, [plan.organisation_id])[plan.organisation_id]
        access.require_own_unit_manager(principal, owner)
    if body.status and body.status != "overdue":
        task.status = body.status
        task.completed_at = utcnow() if body.status == "done" else None
    if body.due_on:
        task.due_on = body.due_on
    if body.note or body.status:
        repository.add(session, TaskNote(task_id=task.id, author_id=principal.user_id, text=nfc(body.note or ""),
                                         status=body.status))
    if body.link_asset_id:
        if not repository.asset_exists(session, body.link_asset_id):
            raise NotFound(what="sản phẩm / asset")
        repository.link_asset(session, task.id, body.link_asset_id)
    session.flush()
    return task


def task_notes(session: Session, principal: Principal, task_id: uuid.UUID) -> list[TaskNote]:
    task = repository.task(session, task_id)
    if task is None:
        raise NotFound(what="nhiệm vụ / task")
    # The lead unit and the units it reports to follow the task, as does whoever sees the plan.
    if task.lead_org_id is None or task.lead_org_id not in access.visible_units(session, principal):
        get_plan(session, principal, task.plan_id)
    return repository.notes_of(session, task.id)


def add_target(session: Session, principal: Principal, plan_id: uuid.UUID, body: TargetIn) -> Target:
    plan, _ = _managed_plan(session, principal, plan_id)
    base: dict[str, Any] = {}
    if body.template_code:
        found = [t for t in repository.templates(session) if t.code == body.template_code]
        if not found:
            raise NotFound(what="mẫu chỉ tiêu / target template")
        t = found[0]
        base = {"code": t.code, "label": t.label, "unit_of_measure": t.unit_of_measure, "value": t.value,
                "value_max": t.value_max, "is_percent": t.is_percent, "measure": t.measure, "source": t.source}
    given = body.model_dump(exclude_unset=True, exclude={"template_code"})
    fields = {**base, **{k: v for k, v in given.items() if v is not None}}
    for required in ("code", "label", "value", "measure"):
        if fields.get(required) in (None, ""):
            raise KhoError("validation_failed", status=422, reason=f"{required} is required (or a template_code)")
    if fields.get("applies_to") == "children" and not fields.get("child_kind"):
        raise KhoError("validation_failed", status=422, reason="child_kind is required when applies_to is children")
    target = Target(plan_id=plan.id, code=nfc(fields["code"]), label=nfc(fields["label"]),
                    unit_of_measure=fields.get("unit_of_measure", ""), value=float(fields["value"]),
                    value_max=fields.get("value_max"), is_percent=bool(fields.get("is_percent")),
                    period=fields.get("period", "year"), applies_to=fields.get("applies_to", "self"),
                    child_kind=fields.get("child_kind"), measure=fields["measure"], source=fields.get("source", ""))
    repository.add(session, target)
    return target


def declare(session: Session, store: ObjectStore, principal: Principal, target_id: uuid.UUID, body: DeclarationIn,
            attachment: tuple[bytes, str, str] | None = None) -> TargetDeclaration:
    """A unit declares its own result for a declared target, with the proof (e.g. the training list)."""
    target = repository.target(session, target_id)
    if target is None or target.measure != "declared":
        raise NotFound(what="chỉ tiêu tự khai / declared target")
    org = access.org_by_code(session, body.organisation_code) if body.organisation_code else \
        repository.orgs(session, [principal.organisation_id])[principal.organisation_id]
    if org.id != principal.organisation_id or principal.kind != "user":
        raise Forbidden()
    row = repository.declaration(session, target.id, org.id, body.period) or TargetDeclaration(
        target_id=target.id, organisation_id=org.id, period=body.period)
    row.achieved, row.total, row.note = body.achieved, body.total, nfc(body.note)
    row.declared_by_id, row.declared_at = principal.user_id, utcnow()
    if attachment:
        content, name, ctype = attachment
        key = f"declarations/{target.id.hex}/{uuid.uuid4().hex}"
        store.put(key, io.BytesIO(content), size=len(content), content_type=ctype)
        on_rollback(session, lambda: store.delete(key))
        row.attachment_key, row.attachment_name = key, nfc(name)[:400]
    repository.add(session, row)
    return row


# Reads the web pages show, offered here so that web/ calls services only (never a repository).
plans_of = repository.plans_of
unit_orgs = repository.orgs
targets_of = repository.targets_of
evidence_of = repository.evidence_of

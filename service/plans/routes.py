"""`/api/v1/plans`, `/tasks`, `/targets`, `/evidence`, unit contacts and the reporting line."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import HttpUrl
from starlette.responses import Response

from service.core.errors import NotFound
from service.http.deps import CurrentPrincipal, RuntimeDep, SessionDep
from service.http.files import object_response
from service.models import Evidence
from service.models.base import utcnow
from service.plans import access, repository
from service.plans import evidence as evidence_service
from service.plans import service as plans
from service.plans.schemas import (
    ContactIn,
    ContactOut,
    DeclarationIn,
    EvidenceOut,
    EvidencePatch,
    ImportOut,
    ImportRowOut,
    LinesIn,
    LinesOut,
    NoteOut,
    PlanIn,
    PlanOut,
    ProfileIn,
    ReviewIn,
    TargetIn,
    TargetOut,
    TaskIn,
    TaskOut,
    TaskPatch,
)

router = APIRouter(prefix="/api/v1", tags=["plans"])
MAX_UPLOAD = 50 * 1024 * 1024


def _read(file: UploadFile) -> bytes:
    return file.file.read(MAX_UPLOAD + 1)


def _evidence_out(e: Evidence) -> EvidenceOut:
    return EvidenceOut(id=e.id, organisation_id=e.organisation_id, asset_id=e.asset_id, channel=e.channel,
                       used_on=e.used_on, post_url=e.post_url, views=e.views, listeners=e.listeners, copies=e.copies,
                       staff_reached=e.staff_reached, note=e.note, has_image=e.image_key is not None,
                       review=e.review, review_note=e.review_note, created_at=e.created_at)


@router.post("/plans", response_model=PlanOut, status_code=201)
def create_plan(body: PlanIn, principal: CurrentPrincipal, session: SessionDep) -> PlanOut:
    return plans.plan_out(plans.create_plan(session, principal, body))


@router.get("/plans", response_model=list[PlanOut])
def list_plans(principal: CurrentPrincipal, session: SessionDep, organisation: str | None = None,
               year: int | None = None) -> list[PlanOut]:
    ids = access.visible_units(session, principal)
    if organisation:
        org = access.org_by_code(session, organisation)
        access.require_visible(session, principal, org.id)
        ids = {org.id}
    return [plans.plan_out(p) for p in repository.plans_of(session, ids, year)]


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> PlanOut:
    return plans.plan_out(plans.get_plan(session, principal, plan_id))


@router.put("/plans/{plan_id}/document", response_model=PlanOut)
def put_document(plan_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, rt: RuntimeDep,
                 file: Annotated[UploadFile, File()]) -> PlanOut:
    plan = plans.attach_document(session, rt.store, principal, plan_id, _read(file), file.filename or "ke-hoach",
                                 file.content_type or "application/octet-stream")
    return plans.plan_out(plan)


@router.get("/plans/{plan_id}/document")
def get_document(plan_id: uuid.UUID, request: Request, principal: CurrentPrincipal, session: SessionDep,
                 rt: RuntimeDep) -> Response:
    plan = plans.get_plan(session, principal, plan_id)
    if not plan.document_key:
        raise NotFound(what="văn bản kế hoạch / plan document")
    store = rt.store
    size = store.stat(plan.document_key).size
    return object_response(request, store, plan.document_key, size=size, media_type=plan.document_type or
                           "application/octet-stream", filename=plan.document_name, etag=plan.document_key[-32:])


@router.post("/plans/{plan_id}/tasks:import", response_model=ImportOut,
             summary="Import the task table (XLSX, CSV or DOCX: STT, nhiệm vụ, chủ trì, phối hợp, sản phẩm, thời gian)")
def import_tasks(plan_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
                 file: Annotated[UploadFile, File()], dry_run: bool = False) -> ImportOut:
    created, rows = plans.import_tasks(session, principal, plan_id, _read(file), file.filename or "", dry_run)
    return ImportOut(created=created, rows=[ImportRowOut(row=r.row, position=r.position, title=r.title,
                                                         timing=r.timing, due_on=r.due_on, recurrence=r.recurrence,
                                                         problems=r.problems) for r in rows])


@router.post("/plans/{plan_id}/tasks", response_model=TaskOut, status_code=201)
def add_task(plan_id: uuid.UUID, body: TaskIn, principal: CurrentPrincipal, session: SessionDep) -> TaskOut:
    return plans.task_out(plans.add_task(session, principal, plan_id, body), utcnow().date())


@router.get("/plans/{plan_id}/tasks", response_model=list[TaskOut])
def list_tasks(plan_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[TaskOut]:
    return plans.tasks_visible(session, principal, plan_id)


@router.get("/tasks", response_model=list[TaskOut], summary="Tasks led by my unit or by units reporting to it")
def led_tasks(principal: CurrentPrincipal, session: SessionDep, overdue: bool = False) -> list[TaskOut]:
    return plans.tasks_led(session, principal, overdue)


@router.patch("/tasks/{task_id}", response_model=TaskOut)
def patch_task(task_id: uuid.UUID, body: TaskPatch, principal: CurrentPrincipal, session: SessionDep) -> TaskOut:
    task = plans.update_task(session, principal, task_id, body)
    return plans.task_out(task, utcnow().date(), repository.task_assets(session, [task.id]).get(task.id))


@router.get("/tasks/{task_id}/notes", response_model=list[NoteOut])
def task_notes(task_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[NoteOut]:
    return [NoteOut.model_validate(n) for n in plans.task_notes(session, principal, task_id)]


@router.get("/targets/templates", response_model=list[TargetOut])
def target_templates(principal: CurrentPrincipal, session: SessionDep) -> list[TargetOut]:
    return [TargetOut.model_validate(t) for t in repository.templates(session)]


@router.post("/plans/{plan_id}/targets", response_model=TargetOut, status_code=201)
def add_target(plan_id: uuid.UUID, body: TargetIn, principal: CurrentPrincipal, session: SessionDep) -> TargetOut:
    return TargetOut.model_validate(plans.add_target(session, principal, plan_id, body))


@router.get("/plans/{plan_id}/targets", response_model=list[TargetOut])
def list_targets(plan_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[TargetOut]:
    plan = plans.get_plan(session, principal, plan_id)
    return [TargetOut.model_validate(t) for t in repository.targets_of(session, [plan.id])]


@router.post("/targets/{target_id}/declarations", status_code=201)
def declare(target_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, rt: RuntimeDep,
            period: Annotated[str, Form(pattern=r"^\d{4}(-H[12])?$")], achieved: Annotated[float, Form(ge=0)],
            total: Annotated[float | None, Form(gt=0)] = None, note: Annotated[str, Form(max_length=5000)] = "",
            attachment: Annotated[UploadFile | None, File()] = None) -> dict[str, str]:
    body = DeclarationIn(organisation_code=None, period=period, achieved=achieved, total=total, note=note)
    file = (_read(attachment), attachment.filename or "minh-chung", attachment.content_type or
            "application/octet-stream") if attachment and attachment.filename else None
    row = plans.declare(session, rt.store, principal, target_id, body, file)
    return {"id": str(row.id)}


@router.post("/evidence", response_model=EvidenceOut, status_code=201,
             summary="Record where and how the unit used an asset (multipart: fields + optional screenshot)")
def record_evidence(principal: CurrentPrincipal, session: SessionDep, rt: RuntimeDep,
                    channel: Annotated[str, Form(max_length=64)],
                    used_on: Annotated[date | None, Form()] = None,
                    asset_id: Annotated[uuid.UUID | None, Form()] = None,
                    post_url: Annotated[HttpUrl | None, Form()] = None,
                    views: Annotated[int | None, Form(ge=0)] = None,
                    listeners: Annotated[int | None, Form(ge=0)] = None,
                    copies: Annotated[int | None, Form(ge=0)] = None,
                    staff_reached: Annotated[int | None, Form(ge=0)] = None,
                    note: Annotated[str, Form(max_length=5000)] = "",
                    image: Annotated[UploadFile | None, File()] = None) -> EvidenceOut:
    fields = {"channel": channel, "used_on": used_on, "asset_id": asset_id, "post_url": post_url, "views": views,
              "listeners": listeners, "copies": copies, "staff_reached": staff_reached, "note": note}
    content = _read(image) if image is not None and image.filename else None
    return _evidence_out(evidence_service.record(session, rt.store, principal, fields, content))


@router.get("/evidence", response_model=list[EvidenceOut])
def list_evidence(principal: CurrentPrincipal, session: SessionDep, organisation: str | None = None,
                  start: Annotated[date | None, Query()] = None, end: Annotated[date | None, Query()] = None
                  ) -> list[EvidenceOut]:
    return [_evidence_out(e) for e in evidence_service.list_for(session, principal, organisation, start, end)]


@router.get("/evidence/{evidence_id}", response_model=EvidenceOut)
def get_evidence(evidence_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> EvidenceOut:
    return _evidence_out(evidence_service.get_visible(session, principal, evidence_id))


@router.patch("/evidence/{evidence_id}", response_model=EvidenceOut)
def patch_evidence(evidence_id: uuid.UUID, body: EvidencePatch, principal: CurrentPrincipal,
                   session: SessionDep, rt: RuntimeDep) -> EvidenceOut:
    return _evidence_out(evidence_service.update(session, rt.store, principal, evidence_id, body))


@router.post("/evidence/{evidence_id}/review", response_model=EvidenceOut)
def review_evidence(evidence_id: uuid.UUID, body: ReviewIn, principal: CurrentPrincipal,
                    session: SessionDep) -> EvidenceOut:
    return _evidence_out(evidence_service.review(session, principal, evidence_id, body))


@router.get("/evidence/{evidence_id}/image")
def evidence_image(evidence_id: uuid.UUID, request: Request, principal: CurrentPrincipal,
                   session: SessionDep, rt: RuntimeDep) -> Response:
    e = evidence_service.get_visible(session, principal, evidence_id)
    if not e.image_key:
        raise NotFound(what="ảnh minh chứng / evidence image")
    store = rt.store
    return object_response(request, store, e.image_key, size=store.stat(e.image_key).size,
                           media_type=e.image_type or "application/octet-stream", filename=None,
                           etag=e.image_key[-32:], inline=True)


@router.get("/organisations/{code}/contacts", response_model=list[ContactOut])
def list_contacts(code: str, principal: CurrentPrincipal, session: SessionDep) -> list[ContactOut]:
    return [ContactOut.model_validate(c) for c in evidence_service.contacts(session, principal, code)]


@router.put("/organisations/{code}/contacts/{role}", response_model=ContactOut)
def put_contact(code: str, role: str, body: ContactIn, principal: CurrentPrincipal, session: SessionDep) -> ContactOut:
    return ContactOut.model_validate(evidence_service.set_contact(session, principal, code, role, body))


@router.put("/organisations/{code}/profile", response_model=ProfileIn)
def put_profile(code: str, body: ProfileIn, principal: CurrentPrincipal, session: SessionDep) -> ProfileIn:
    return ProfileIn(staff_count=evidence_service.set_staff_count(session, principal, code, body.staff_count)
                     .staff_count)


@router.get("/reporting-lines/{code}", response_model=LinesOut)
def get_lines(code: str, principal: CurrentPrincipal, session: SessionDep) -> LinesOut:
    up, down = evidence_service.lines_of(session, principal, code)
    return LinesOut(organisation_code=code, reports_to=up, reporters=down)


@router.put("/reporting-lines/{code}", response_model=LinesOut)
def put_lines(code: str, body: LinesIn, principal: CurrentPrincipal, session: SessionDep) -> LinesOut:
    evidence_service.set_lines(session, principal, code, body.reports_to)
    up, down = evidence_service.lines_of(session, principal, code)
    return LinesOut(organisation_code=code, reports_to=up, reporters=down)


@router.post("/reporting-lines:seed")
def seed_lines(principal: CurrentPrincipal, session: SessionDep) -> dict[str, int]:
    return {"written": evidence_service.seed_lines(session, principal)}

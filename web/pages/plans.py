"""Plans pages: the unit's plans, a plan with its targets (progress bars) and task board, the phone-friendly
evidence form, and the report along the reporting line with drill-down. All rules live in service/plans."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import File, Form, Query, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from service.core.errors import KhoError
from service.http.deps import RuntimeDep, SessionDep
from service.models.base import utcnow
from service.orgs import service as orgs_service
from service.plans import access
from service.plans import evidence as evidence_service
from service.plans import service as plans
from service.plans.schemas import ReviewIn, TaskPatch
from service.reports import service as reports
from service.reports.period import current_half
from web.flash import flash
from web.forms import blank_to_none, message, validated
from web.present import labels_for
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, RequiredUser, ReviewerUser
from web.wording import channel_namer

router = page_router()
COLUMNS = ("not_started", "in_progress", "overdue", "done")


@router.get("/ke-hoach")
def plan_list(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    listed = plans.plans_of(session, access.visible_units(session, user.principal))
    orgs = plans.unit_orgs(session, {p.organisation_id for p in listed})
    return render(request, "plans/list.html", {"plans": [(plans.plan_out(p), orgs[p.organisation_id])
                                                         for p in listed]})


@router.get("/ke-hoach/{plan_id}")
def plan_page(plan_id: uuid.UUID, request: Request, user: RequiredUser, session: SessionDep) -> Response:
    plan = plans.get_plan(session, user.principal, plan_id)
    org = plans.unit_orgs(session, [plan.organisation_id])[plan.organisation_id]
    tasks = plans.tasks_visible(session, user.principal, plan_id)
    board = {c: [t for t in tasks if t.status == c] for c in COLUMNS}
    report = reports.report_for(session, user.principal, org.code, str(plan.year))
    mine = {t.code for t in plans.targets_of(session, [plan.id])}
    return render(request, "plans/plan.html", {
        "plan": plans.plan_out(plan), "org": org, "board": board, "columns": COLUMNS,
        "targets": [t for t in report["plan_targets"] if t["code"] in mine]})


@router.get("/minh-chung")
def evidence_page(request: Request, user: RequiredUser, session: SessionDep, saved: bool = False,
                  error: str | None = None, status_code: int = 200) -> Response:
    listed = evidence_service.list_for(session, user.principal, None, None, None)[:50]
    return render(request, "plans/evidence.html", {
        "evidence": listed, "channels": evidence_service.channels(session), "today": utcnow().date().isoformat(),
        "channel_name": channel_namer(labels_for(session, lang_of(request))),
        "saved": saved, "error": error}, status_code=status_code)


@router.post("/minh-chung", dependencies=[CsrfChecked])
def record_evidence(request: Request, user: RequiredUser, session: SessionDep, rt: RuntimeDep,
                    channel: Annotated[str, Form(max_length=64)], used_on: Annotated[date | None, Form()] = None,
                    asset_id: Annotated[str, Form(max_length=64)] = "",
                    post_url: Annotated[str, Form(max_length=2000)] = "",
                    views: Annotated[int | None, Form(ge=0)] = None,
                    listeners: Annotated[int | None, Form(ge=0)] = None,
                    copies: Annotated[int | None, Form(ge=0)] = None,
                    staff_reached: Annotated[int | None, Form(ge=0)] = None,
                    note: Annotated[str, Form(max_length=5000)] = "",
                    image: Annotated[UploadFile | None, File()] = None) -> Response:
    try:
        asset = uuid.UUID(asset_id) if asset_id.strip() else None
    except ValueError:
        return evidence_page(request, user, session, error="asset", status_code=422)
    fields = {"channel": channel, "used_on": used_on, "asset_id": asset, "post_url": blank_to_none(post_url),
              "views": views, "listeners": listeners, "copies": copies, "staff_reached": staff_reached, "note": note}
    content = image.file.read(evidence_service.MAX_IMAGE_BYTES + 1) if image is not None and image.filename else None
    try:
        evidence_service.record(session, rt.store, user.principal, fields, content)
    except KhoError as exc:
        session.rollback()
        return evidence_page(request, user, session, error=message(request, exc), status_code=exc.status)
    return RedirectResponse("/minh-chung?saved=true", status_code=303)


@router.post("/ke-hoach/nhiem-vu/{task_id}", dependencies=[CsrfChecked])
def move_task(task_id: uuid.UUID, request: Request, user: RequiredUser, session: SessionDep, rt: RuntimeDep,
              status: Annotated[str, Form(max_length=16)],
              note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    body = validated(TaskPatch, status=status, note=note or None)
    task = plans.update_task(session, user.principal, task_id, body)
    return flash(RedirectResponse(f"/ke-hoach/{task.plan_id}", status_code=303), rt.settings, "flash_saved")


@router.get("/minh-chung/duyet")
def evidence_review_page(request: Request, user: ReviewerUser, session: SessionDep) -> Response:
    """Evidence recorded by the units reporting to mine, waiting for a decision first."""
    below = access.report_scope(session, user.principal.organisation_id) - {user.principal.organisation_id}
    listed = sorted(plans.evidence_of(session, below, None, None, 200), key=lambda e: e.review != "pending")
    units = plans.unit_orgs(session, {e.organisation_id for e in listed})
    return render(request, "plans/evidence_review.html", {
        "evidence": [(e, units[e.organisation_id]) for e in listed],
        "channel_name": channel_namer(labels_for(session, lang_of(request)))})


@router.post("/minh-chung/{evidence_id}/duyet", dependencies=[CsrfChecked])
def review_evidence(evidence_id: uuid.UUID, request: Request, user: ReviewerUser, session: SessionDep, rt: RuntimeDep,
                    decision: Annotated[str, Form(max_length=16)],
                    note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    evidence_service.review(session, user.principal, evidence_id, validated(ReviewIn, decision=decision, note=note))
    return flash(RedirectResponse("/minh-chung/duyet", status_code=303), rt.settings, "flash_saved")


@router.get("/bao-cao/tuyen")
def line_report(request: Request, user: RequiredUser, session: SessionDep,
                ky: Annotated[str | None, Query(pattern=r"^\d{4}(-H[12])?$")] = None,
                don_vi: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    code = don_vi or plans.unit_orgs(session, [user.principal.organisation_id])[user.principal.organisation_id].code
    report = reports.report_for(session, user.principal, code, ky or current_half(utcnow()))
    _, reporters = evidence_service.lines_of(session, user.principal, code)
    children = list(orgs_service.by_codes(session, reporters).values())
    by_unit = {u["organisation_id"]: u for u in report["usage"]["by_unit"]}
    rows = [(o, by_unit.get(str(o.id), {}).get("download", 0)) for o in sorted(children, key=lambda o: o.name)]
    return render(request, "plans/line_report.html", {"report": report, "rows": rows, "code": code,
                                                      "period": report["period"]["label"]})

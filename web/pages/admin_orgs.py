"""Organisations: the admin's subtree, adding a unit below it, editing names and approval levels, and a
CSV import with a report per row (service/orgs)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from service.core.errors import KhoError
from service.http.deps import SessionDep
from service.models.org import ORG_KINDS
from service.orgs import service as orgs
from service.orgs.schemas import OrgCreate, OrgPatch
from web.forms import blank_to_none, message, validated
from web.render import render
from web.routing import page_router
from web.session import AdminUser, CsrfChecked

router = page_router()
MAX_CSV_BYTES = 5 * 1024 * 1024


def _page(request: Request, user: AdminUser, session: SessionDep, *, error: str | None = None,
          report: Any = None, dry_run: bool = False, status_code: int = 200) -> Response:
    units = orgs.list_subtree(session, user.principal, None)
    return render(request, "admin/orgs.html", {"units": units, "kinds": ORG_KINDS, "error": error,
                                               "report": report, "dry_run": dry_run}, status_code=status_code)


@router.get("/quan-tri/don-vi")
def organisations(request: Request, user: AdminUser, session: SessionDep) -> Response:
    return _page(request, user, session)


@router.post("/quan-tri/don-vi", dependencies=[CsrfChecked])
def create_unit(request: Request, user: AdminUser, session: SessionDep,
                code: Annotated[str, Form(max_length=64)], name: Annotated[str, Form(max_length=300)],
                kind: Annotated[str, Form(max_length=32)], parent_id: Annotated[uuid.UUID, Form()],
                name_en: Annotated[str, Form(max_length=300)] = "",
                approval_levels: Annotated[int, Form()] = 1) -> Response:
    try:
        body = validated(OrgCreate, code=code, name=name, name_en=blank_to_none(name_en), kind=kind,
                         parent_id=parent_id, approval_levels=approval_levels)
        orgs.create_child(session, user.principal, code=body.code, name=body.name, kind=body.kind,
                          parent_id=body.parent_id, name_en=body.name_en, approval_levels=body.approval_levels)
    except KhoError as exc:
        if exc.status == 403:
            raise
        return _page(request, user, session, error=message(request, exc), status_code=exc.status)
    return RedirectResponse("/quan-tri/don-vi", status_code=303)


@router.post("/quan-tri/don-vi/nhap-csv", dependencies=[CsrfChecked])
def import_units(request: Request, user: AdminUser, session: SessionDep,
                       file: Annotated[UploadFile, File()],
                       dry_run: Annotated[str, Form()] = "") -> Response:
    raw = file.file.read(MAX_CSV_BYTES + 1)
    try:
        if len(raw) > MAX_CSV_BYTES:
            raise KhoError("too_large", status=413, limit_mb=MAX_CSV_BYTES // 2**20, kind="csv")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise KhoError("invalid_csv", status=422, reason="UTF-8") from None
        result = orgs.import_csv(session, user.principal, text, dry_run=bool(dry_run))
    except KhoError as exc:
        return _page(request, user, session, error=message(request, exc), status_code=exc.status)
    return _page(request, user, session, report=result, dry_run=bool(dry_run))


@router.get("/quan-tri/don-vi/{org_id}")
def edit_unit_page(org_id: uuid.UUID, request: Request, user: AdminUser, session: SessionDep) -> Response:
    unit = orgs.require_manageable(session, user.principal, org_id)
    return render(request, "admin/org_edit.html", {"unit": unit, "error": None})


@router.post("/quan-tri/don-vi/{org_id}", dependencies=[CsrfChecked])
def edit_unit(org_id: uuid.UUID, request: Request, user: AdminUser, session: SessionDep,
              name: Annotated[str, Form(max_length=300)], name_en: Annotated[str, Form(max_length=300)] = "",
              approval_levels: Annotated[int, Form()] = 1) -> Response:
    unit = orgs.require_manageable(session, user.principal, org_id)
    try:
        patch = validated(OrgPatch, name=name, name_en=blank_to_none(name_en), approval_levels=approval_levels)
    except KhoError as exc:
        return render(request, "admin/org_edit.html", {"unit": unit, "error": message(request, exc)},
                      status_code=exc.status)
    orgs.update(session, user.principal, org_id, patch.model_dump(exclude_unset=True))
    return RedirectResponse("/quan-tri/don-vi", status_code=303)

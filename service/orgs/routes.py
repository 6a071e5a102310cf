from __future__ import annotations

import uuid

import anyio
from fastapi import APIRouter, Request

from service.core.errors import KhoError, PayloadTooLarge
from service.http.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from service.orgs import service as orgs
from service.orgs.schemas import ImportReport, ImportRow, OrgCreate, OrgOut, OrgPatch

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])

MAX_CSV_BYTES = 5 * 1024 * 1024


@router.get("", response_model=list[OrgOut])
def list_organisations(principal: CurrentPrincipal, session: SessionDep, under: uuid.UUID | None = None
                       ) -> list[OrgOut]:
    """The tree below `under` (default: the caller's own unit), parents before children."""
    return [OrgOut.model_validate(o) for o in orgs.list_subtree(session, principal, under)]


@router.get("/{org_id}", response_model=OrgOut)
def get_organisation(org_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> OrgOut:
    return OrgOut.model_validate(orgs.get_or_404(session, org_id))


@router.post("", response_model=OrgOut, status_code=201)
def create_organisation(body: OrgCreate, principal: AdminPrincipal, session: SessionDep) -> OrgOut:
    return OrgOut.model_validate(orgs.create_child(
        session, principal, code=body.code, name=body.name, kind=body.kind, parent_id=body.parent_id,
        name_en=body.name_en, approval_levels=body.approval_levels))


@router.patch("/{org_id}", response_model=OrgOut)
def update_organisation(org_id: uuid.UUID, body: OrgPatch, principal: AdminPrincipal,
                        session: SessionDep) -> OrgOut:
    return OrgOut.model_validate(orgs.update(session, principal, org_id, body.model_dump(exclude_unset=True)))


@router.post("/import", response_model=ImportReport,
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {
                 "type": "string", "description": "UTF-8 CSV: code,name,parent_code,kind[,name_en,approval_levels]"
             }}}}})
async def import_organisations(request: Request, principal: AdminPrincipal, session: SessionDep,
                               dry_run: bool = False) -> ImportReport:
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_CSV_BYTES:
            raise PayloadTooLarge(limit_mb=MAX_CSV_BYTES // 2**20, kind="csv")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise KhoError("invalid_csv", status=422, reason="the file must be UTF-8") from None
    result = await anyio.to_thread.run_sync(lambda: orgs.import_csv(session, principal, text, dry_run=dry_run))
    return ImportReport(dry_run=dry_run, created=result.count("created"), existing=result.count("exists"),
                        errors=result.count("error"), rows=[ImportRow(**r) for r in result.rows])

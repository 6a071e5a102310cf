from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from service.audit import service as audit
from service.core.db import unit_of_work
from service.core.runtime import session_runtime
from service.http.deps import AdminPrincipal, SessionDep
from service.identity.principal import require_national_admin

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "The whole trail, oldest first"}})
def export_audit(principal: AdminPrincipal, session: SessionDep) -> StreamingResponse:
    """The whole trail covers every unit, so only admins of a top-level unit may take it."""
    require_national_admin(principal)
    audit.record(session, "audit.exported", "audit", "-", actor=principal)

    def rows() -> Iterator[str]:
        # Streaming outlives the request's session, so the export reads through its own.
        with unit_of_work(session_runtime(session).sessionmaker) as reader:
            yield "\ufeff"  # so spreadsheet programs read the Vietnamese text as UTF-8
            yield from audit.export_csv(reader)

    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

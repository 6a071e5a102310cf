"""`/api/v1/reports/{org_code}`: the six-month or year-end report as JSON (dashboard), XLSX or PDF."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.responses import JSONResponse, Response

from service.http.deps import CurrentPrincipal, SessionDep
from service.models.base import utcnow
from service.reports import service as reports
from service.reports.period import current_half
from storage.http import content_disposition

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/{org_code}", summary="Report of an organisation subtree for a period (2026-H1, 2026-H2, 2026)",
            responses={200: {"content": {"application/json": {}, XLSX: {}, "application/pdf": {}}}})
def report(org_code: str, principal: CurrentPrincipal, session: SessionDep,
           period: Annotated[str | None, Query(pattern=r"^\d{4}(-H[12])?$")] = None,
           format: Literal["json", "xlsx", "pdf"] = "json") -> Response:  # noqa: A002 - the public name
    data: dict[str, Any] = reports.report_for(session, principal, org_code, period or current_half(utcnow()))
    name = f"bao-cao-{org_code}-{data['period']['label']}"
    if format == "xlsx":
        from service.reports.xlsx import report_xlsx  # openpyxl loads on the first export, not at start-up

        return Response(report_xlsx(data), media_type=XLSX,
                        headers={"Content-Disposition": content_disposition(f"{name}.xlsx", "attachment")})
    if format == "pdf":
        from service.reports.pdf import report_pdf  # fpdf2 loads on the first export

        return Response(report_pdf(data), media_type="application/pdf",
                        headers={"Content-Disposition": content_disposition(f"{name}.pdf", "attachment")})
    return JSONResponse(data)


@router.post("/{org_code}:submit", summary="Freeze the report and submit it to the units this one reports to")
def submit(org_code: str, principal: CurrentPrincipal, session: SessionDep,
           period: Annotated[str, Query(pattern=r"^\d{4}(-H[12])?$")],
           number: Annotated[str, Query(max_length=100)] = "") -> JSONResponse:
    return JSONResponse(reports.submit(session, principal, org_code, period, number), status_code=201)

"""Collections (kits) and the dashboard: both wait for the distribution services (issue 8)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from service.deps import SessionDep
from web import seams
from web.render import not_ready, render
from web.routing import page_router
from web.session import RequiredUser

router = page_router()


@router.get("/bo-suu-tap")
def collections(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    lister = seams.service_function("service.kits.service", "list_kits", "list_collections")
    if lister is None:
        return not_ready(request, "feature_kits")
    return render(request, "kits.html", {"kits": lister(session, user.principal)})


@router.get("/bao-cao")
def dashboard(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    builder = seams.service_function("service.reports.service", "dashboard", "build_report")
    if builder is None:
        return not_ready(request, "feature_reports")
    return render(request, "dashboard.html", {"report": builder(session, user.principal)})

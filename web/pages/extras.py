"""Collections (kits: service/kits) and the dashboard (service/reports), both from issue 8.
A page whose service is absent says "not available yet"."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.deps import SessionDep
from service.errors import KhoError
from web import seams
from web.render import lang_of, not_ready, render
from web.routing import page_router
from web.session import CsrfChecked, ProducerUser, RequiredUser

router = page_router()
KIT_PROFILES = ("", "web-image", "zalo-oa", "facebook-feed", "web-mp4", "youtube", "vertical", "podcast",
                "loudspeaker", "print")


def _slug(title: str) -> str:
    from search.vietnamese import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(title).lower()).strip("-")[:80] or uuid.uuid4().hex[:8]


def _kits_page(request: Request, user: RequiredUser, session: SessionDep, error: str | None = None,
               status_code: int = 200) -> Response:
    kits = seams.kits()
    assert kits is not None
    listed = [(k, len(kits.items_of(session, k))) for k in kits.list_kits(session)]
    choices = []
    if user.can("admin", "producer"):
        rows, _ = assets.list_page(session, user.principal, kind=None, status="published", org_id=None, terms={},
                                   cursor=None, limit=50)
        choices = rows
    return render(request, "kits.html", {"kits": listed, "choices": choices, "profiles": KIT_PROFILES,
                                         "error": error}, status_code=status_code)


@router.get("/bo-suu-tap")
def collections(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    if seams.kits() is None:
        return not_ready(request, "feature_kits")
    return _kits_page(request, user, session)


@router.post("/bo-suu-tap", dependencies=[CsrfChecked])
async def create_collection(request: Request, user: ProducerUser, session: SessionDep,
                            title: Annotated[str, Form(min_length=1, max_length=300)],
                            description: Annotated[str, Form(max_length=5000)] = "") -> Response:
    kits = seams.kits()
    if kits is None:
        return not_ready(request, "feature_kits")
    from service.kits.schemas import KitItemIn

    form = await request.form()
    items = [KitItemIn(asset_id=uuid.UUID(str(v)), profile=str(form.get(f"profile-{v}") or "") or None)
             for v in form.getlist("asset")]
    title = unicodedata.normalize("NFC", title).strip()
    try:
        kits.create(session, user.principal, slug=_slug(title), title=title, description=description.strip(),
                    items=items)
    except KhoError as exc:
        return _kits_page(request, user, session, exc.detail_vi if lang_of(request) == "vi" else exc.detail_en,
                          exc.status)
    return RedirectResponse("/bo-suu-tap", status_code=303)


@router.get("/bao-cao")
def dashboard(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    builder = seams.service_function("service.reports.service", "dashboard")
    if builder is None:
        return not_ready(request, "feature_reports")
    return render(request, "dashboard.html", {"report": builder(session, user.principal)})

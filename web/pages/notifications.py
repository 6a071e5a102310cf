"""My notifications (the bell's page) and how I receive them by e-mail."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.http.deps import RuntimeDep, SessionDep
from service.notifications import content, kinds
from service.notifications import service as notifications
from web.flash import flash
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, RequiredUser

router = page_router()


@router.get("/thong-bao")
def notifications_page(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    assert user.principal.user_id is not None
    lang = lang_of(request)
    rows = notifications.list_for(session, user.principal.user_id, limit=100)
    entries = [{"row": r, "headline": content.headline(notifications.notice_of(r), lang),
                "lines": content.lines(notifications.notice_of(r), lang)} for r in rows]
    return render(request, "notifications.html", {"entries": entries, "unread": user.unread})


@router.post("/thong-bao/da-doc", dependencies=[CsrfChecked])
def mark_all_read(user: RequiredUser, session: SessionDep, rt: RuntimeDep) -> Response:
    assert user.principal.user_id is not None
    notifications.mark_read(session, user.principal.user_id)
    return flash(RedirectResponse("/thong-bao", status_code=303), rt.settings, "flash_all_read")


@router.get("/thong-bao/cai-dat")
def settings_page(request: Request, user: RequiredUser, session: SessionDep, saved: bool = False) -> Response:
    assert user.principal.user_id is not None
    modes = notifications.preferences(session, user.principal.user_id)
    return render(request, "notification_settings.html", {
        "modes": modes, "kinds": kinds.KINDS, "mandatory": kinds.MANDATORY, "choices": kinds.MODES, "saved": saved})


@router.post("/thong-bao/cai-dat", dependencies=[CsrfChecked])
async def save_settings(request: Request, user: RequiredUser, session: SessionDep,
                        csrf_token: Annotated[str, Form()] = "") -> Response:
    assert user.principal.user_id is not None
    form = await request.form()
    wanted = {k: str(form.get(f"mode_{k}")) for k in kinds.KINDS
              if k not in kinds.MANDATORY and form.get(f"mode_{k}") in kinds.MODES}
    notifications.set_preferences(session, user.principal.user_id, wanted)
    return RedirectResponse("/thong-bao/cai-dat?saved=1", status_code=303)

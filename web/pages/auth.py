"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.auth import service as auth_service
from service.core.errors import KhoError
from service.http.deps import SESSION_COOKIE, RuntimeDep, SessionDep
from service.models.base import utcnow
from web.flash import flash
from web.render import LANG_COOKIE, LANGS, lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, OptionalUser, safe_next, secure_cookies, set_session_cookie

router = page_router()


@router.get("/dang-nhap")
def sign_in_page(request: Request, user: OptionalUser, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "sign_in.html", {"next": safe_next(next), "error": None, "email": ""})


@router.post("/dang-nhap", dependencies=[CsrfChecked])
def sign_in(request: Request, session: SessionDep, rt: RuntimeDep, email: Annotated[str, Form(max_length=320)],
            password: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form()] = "/") -> Response:
    email = unicodedata.normalize("NFC", email).strip()
    address = request.client.host if request.client else None
    try:
        user = auth_service.authenticate(session, email, password, address)
    except KhoError as exc:
        message = exc.detail_vi if lang_of(request) == "vi" else exc.detail_en
        return render(request, "sign_in.html", {"next": safe_next(next), "error": message, "email": email},
                      status_code=exc.status, headers=exc.headers)
    issued = auth_service.issue_token(session, user, "session")
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, rt.settings, issued.token, int((issued.expires_at - utcnow()).total_seconds()))
    return response


@router.post("/dang-xuat", dependencies=[CsrfChecked])
def sign_out(request: Request, session: SessionDep, rt: RuntimeDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth_service.revoke(session, token)
    response = flash(RedirectResponse("/dang-nhap", status_code=303), rt.settings, "flash_signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure_cookies(rt.settings), httponly=True, samesite="lax")
    return response


@router.get("/ngon-ngu")
def switch_language(rt: RuntimeDep, lang: str = "vi", next: str = "/") -> Response:
    """A preference cookie only (no state on the server), so a plain link is enough."""
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, lang if lang in LANGS else "vi", max_age=365 * 86400, samesite="lax",
                        secure=secure_cookies(rt.settings), httponly=True, path="/")
    return response

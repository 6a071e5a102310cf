"""Web sessions and CSRF.

A signed-in page carries the session's stored CSRF token (issued with the session by the auth service);
before sign-in, a random double-submit cookie plays that role. Every POST form is checked against it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import Response

from service.core.config import Settings
from service.core.errors import Forbidden, KhoError
from service.http.deps import SESSION_COOKIE, SessionDep
from service.identity import tokens
from service.identity.principal import Principal
from service.notifications import service as notifications

ANON_CSRF_COOKIE = "kho_csrf"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """Raised by page dependencies; the web route class turns it into a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRejected(KhoError):
    status = 403
    code = "forbidden"


@dataclass(frozen=True)
class WebUser:
    principal: Principal
    csrf_token: str
    unread: int = 0  # unread notifications, for the bell in the header

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def label(self) -> str:
        return self.principal.label

    def can(self, *roles: str) -> bool:
        return self.principal.role in roles


def secure_cookies(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def set_session_cookie(response: Response, settings: Settings, token: str, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=secure_cookies(settings), path="/")


def set_anon_csrf_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(ANON_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=secure_cookies(settings), path="/")


def optional_user(request: Request, session: SessionDep) -> WebUser | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        principal, token = tokens.resolve_user_token(session, cookie, "session")
    except KhoError:
        return None
    unread = notifications.unread_count(session, principal.user_id) if principal.user_id else 0
    user = WebUser(principal, token.csrf_token or "", unread)
    request.state.web_user = user
    request.state.principal = principal
    return user


def required_user(request: Request, user: Annotated[WebUser | None, Depends(optional_user)]) -> WebUser:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def role_guard(*roles: str) -> object:
    def guard(user: Annotated[WebUser, Depends(required_user)]) -> WebUser:
        if not user.can(*roles):
            raise Forbidden()
        return user

    return Depends(guard)


OptionalUser = Annotated[WebUser | None, Depends(optional_user)]
RequiredUser = Annotated[WebUser, Depends(required_user)]
ProducerUser = Annotated[WebUser, role_guard("admin", "producer")]
ReviewerUser = Annotated[WebUser, role_guard("admin", "reviewer")]
AdminUser = Annotated[WebUser, role_guard("admin")]


def csrf_for_page(request: Request, user: WebUser | None) -> tuple[str, bool]:
    """The token to embed in forms, and whether a new anonymous cookie must be set with the page."""
    if user is not None:
        return user.csrf_token, False
    existing = request.cookies.get(ANON_CSRF_COOKIE)
    if existing:
        return existing, False
    return secrets.token_urlsafe(24), True


async def check_csrf(request: Request, user: Annotated[WebUser | None, Depends(optional_user)]) -> None:
    """Dependency for every POST form: the submitted token must match the session's (or the cookie's)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = user.csrf_token if user is not None else request.cookies.get(ANON_CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise CsrfRejected("forbidden")


CsrfChecked = Depends(check_csrf)


def login_redirect_url(next_path: str) -> str:
    return "/dang-nhap?next=" + quote(next_path, safe="/")


def safe_next(next_path: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirects)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return "/"
    return next_path

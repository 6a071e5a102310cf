"""Error pages for people: a browser that asks for HTML gets a Vietnamese page (403/404/410/500 and the
rest) instead of problem+json; API clients keep problem+json (chosen by `Accept`, RFC 9110 §12.5.1).

The API's messages name things in both languages at once ("tài nguyên / asset"), which reads well in a
JSON body but not on a page in one language: the page keeps only its own language's half."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from service.core.db import unit_of_work
from service.core.errors import KhoError
from service.core.runtime import runtime_of
from service.http.deps import SESSION_COOKIE
from service.i18n import error_text, has_text, ui_text
from web.render import lang_of, render
from web.session import optional_user

log = logging.getLogger("kho.web")
Handler = Callable[[Request, Any], Awaitable[Response] | Response]
PAGE_NOT_FOUND = "page_not_found"


def wants_html(request: Request) -> bool:
    """True when the client ranks text/html above JSON (browsers navigating); `*/*` alone means an API
    client (curl, httpx, fetch), which keeps problem+json."""
    best_html = best_json = 0.0
    for item in request.headers.get("accept", "").split(","):
        media, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html, q)
        elif media.endswith("json"):
            best_json = max(best_json, q)
    return best_html > 0 and best_html >= best_json


def _one_language(value: object, lang: str) -> object:
    if isinstance(value, str) and " / " in value:
        vi, _, en = value.partition(" / ")
        return vi.strip() if lang == "vi" else en.strip()
    return value


def page_message(exc: KhoError, lang: str) -> str:
    """The error's message in the page's language only."""
    params = {name: _one_language(value, lang) for name, value in exc.params.items()}
    return error_text(exc.code, lang, **params)


def _know_the_person(request: Request) -> None:
    """Outside the page routes nobody has looked at the session cookie yet: a signed-in person who
    mistyped an address still gets their menu, not an invitation to sign in."""
    if getattr(request.state, "web_user", None) is not None or not request.cookies.get(SESSION_COOKIE):
        return
    try:
        with unit_of_work(runtime_of(request).sessionmaker) as session:
            optional_user(request, session)
    except Exception:  # the database may be why we are here; the page works without a menu
        log.debug("no user for the error page of %s", request.url.path, exc_info=True)


def error_page(request: Request, exc: KhoError) -> Response:
    lang = lang_of(request)
    return render(request, "error.html", {"status": exc.status, "message": page_message(exc, lang),
                                          "code": exc.code},
                  status_code=exc.status, headers=exc.headers)


def not_found() -> KhoError:
    return KhoError(PAGE_NOT_FOUND, status=404)


def form_problem(exc: RequestValidationError, lang: str = "vi") -> KhoError:
    """A page's own validation failure: a malformed path (a mistyped id) is a page that does not exist;
    a bad form field is named by its label, not by 'form'."""
    errors = exc.errors()
    if any(e.get("loc", ("",))[0] == "path" for e in errors):
        return not_found()
    names = sorted({str(e["loc"][-1]) for e in errors if e.get("loc")})
    shown = [ui_text(f"field_{n}", lang) if has_text(f"field_{n}") else n for n in names]
    return KhoError("form_invalid", status=422, fields=", ".join(shown) or "?")


def install(app: FastAPI) -> None:
    """Wrap the API's error handlers: HTML for browsers, the original problem+json for everyone else."""
    def wrap(kind: type, to_kho: Callable[[Request, Any, Response | None], KhoError | None],
             answer_first: bool = False) -> None:
        original: Handler | None = app.exception_handlers.get(kind)
        if original is None:
            return
        api_handler: Handler = original

        async def api_answer(request: Request, exc: Any) -> Response:
            result = api_handler(request, exc)
            return await result if isinstance(result, Awaitable) else result

        async def handler(request: Request, exc: Any) -> Response:
            if not wants_html(request):
                return await api_answer(request, exc)
            # Unexpected errors: the API handler logs them and decides the status (503 for a busy database).
            answer = await api_answer(request, exc) if answer_first else None
            problem = to_kho(request, exc, answer)
            if problem is None:
                return answer or await api_answer(request, exc)
            try:
                if problem.status < 500:
                    await anyio.to_thread.run_sync(_know_the_person, request)
                return error_page(request, problem)
            except Exception:  # the page itself failed: the API's answer is still an answer
                log.exception("error page failed on %s", request.url.path)
                return answer or await api_answer(request, exc)

        app.exception_handlers[kind] = handler

    def http_error(_request: Request, exc: StarletteHTTPException, _answer: Response | None) -> KhoError | None:
        if exc.status_code == 404:
            return not_found()
        code = {401: "unauthorized", 403: "forbidden"}.get(exc.status_code)
        if code is None and exc.status_code < 500:
            return None  # 405 and friends: the API's answer names the allowed methods
        return KhoError(code or "internal_error", status=exc.status_code, headers=dict(exc.headers or {}))

    def unexpected(_request: Request, _exc: Exception, answer: Response | None) -> KhoError:
        status = answer.status_code if answer is not None else 500
        code = "database_unavailable" if status == 503 else "unstorable_value" if status == 422 else "internal_error"
        return KhoError(code, status=status)

    wrap(KhoError, lambda _request, exc, _answer: exc)
    wrap(StarletteHTTPException, http_error)
    wrap(RequestValidationError, lambda request, exc, _answer: form_problem(exc, lang_of(request)))
    wrap(Exception, unexpected, answer_first=True)

"""The route class of every page: service errors become an HTML page (not problem+json), a missing
session becomes a redirect to sign-in. The database session has already rolled back when they arrive."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import RedirectResponse, Response

from service.core.errors import KhoError
from web.errors import error_page, form_problem
from web.render import lang_of
from web.session import LoginRequired, login_redirect_url

log = logging.getLogger("kho.web")


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as exc:
                return RedirectResponse(login_redirect_url(exc.next_path), status_code=303)
            except KhoError as exc:
                return error_page(request, exc)
            except RequestValidationError as exc:  # a mistyped id is a missing page; a bad field is named
                return error_page(request, form_problem(exc, lang_of(request)))

        return page_handler


def page_router() -> APIRouter:
    return APIRouter(route_class=WebRoute, include_in_schema=False)

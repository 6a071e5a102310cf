"""Users of the admin's subtree: create, change role, deactivate / reactivate (service/users)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.core.errors import KhoError
from service.http.deps import SessionDep
from service.orgs import service as orgs
from service.users import service as users
from service.users.schemas import UserCreate, UserPatch
from web.forms import message, validated
from web.render import render
from web.routing import page_router
from web.session import AdminUser, CsrfChecked

router = page_router()
ROLES = ("staff", "producer", "reviewer", "admin")
LIST_LIMIT = 500


def _page(request: Request, user: AdminUser, session: SessionDep, *, error: str | None = None,
          status_code: int = 200) -> Response:
    units = orgs.list_subtree(session, user.principal, None)
    listed = users.list_users(session, user.principal, role=None, organisation_id=None, limit=LIST_LIMIT)
    return render(request, "admin/users.html", {
        "users": listed, "units": units, "unit_names": {u.id: u.name for u in units}, "roles": ROLES,
        "error": error}, status_code=status_code)


@router.get("/quan-tri/nguoi-dung")
def user_list(request: Request, user: AdminUser, session: SessionDep) -> Response:
    return _page(request, user, session)


@router.post("/quan-tri/nguoi-dung", dependencies=[CsrfChecked])
def create_user(request: Request, user: AdminUser, session: SessionDep,
                email: Annotated[str, Form(max_length=320)], full_name: Annotated[str, Form(max_length=200)],
                password: Annotated[str, Form(max_length=1000)], role: Annotated[str, Form(max_length=20)],
                organisation_id: Annotated[uuid.UUID, Form()]) -> Response:
    try:
        body = validated(UserCreate, email=email, full_name=full_name, password=password, role=role,
                         organisation_id=organisation_id)
        users.create(session, user.principal, body)
    except KhoError as exc:
        return _page(request, user, session, error=message(request, exc), status_code=exc.status)
    return RedirectResponse("/quan-tri/nguoi-dung", status_code=303)


def _change(request: Request, user: AdminUser, session: SessionDep, user_id: uuid.UUID, **changes: object
            ) -> Response:
    try:
        patch = validated(UserPatch, **changes)
        users.update(session, user.principal, user_id, patch.model_dump(exclude_unset=True))
    except KhoError as exc:
        return _page(request, user, session, error=message(request, exc), status_code=exc.status)
    return RedirectResponse("/quan-tri/nguoi-dung", status_code=303)


@router.post("/quan-tri/nguoi-dung/{user_id}/vai-tro", dependencies=[CsrfChecked])
def change_role(user_id: uuid.UUID, request: Request, user: AdminUser, session: SessionDep,
                role: Annotated[str, Form(max_length=20)]) -> Response:
    return _change(request, user, session, user_id, role=role)


@router.post("/quan-tri/nguoi-dung/{user_id}/trang-thai", dependencies=[CsrfChecked])
def set_active(user_id: uuid.UUID, request: Request, user: AdminUser, session: SessionDep,
               active: Annotated[str, Form(max_length=1)]) -> Response:
    return _change(request, user, session, user_id, is_active=active == "1")

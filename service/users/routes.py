from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from service.http.deps import AdminPrincipal, SessionDep
from service.users import service as users
from service.users.schemas import Role, UserCreate, UserOut, UserPatch

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("", response_model=list[UserOut])
def list_users(principal: AdminPrincipal, session: SessionDep, role: Role | None = None,
               organisation_id: uuid.UUID | None = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in users.list_users(session, principal, role=role,
                                                                organisation_id=organisation_id, limit=limit)]


@router.post("", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, principal: AdminPrincipal, session: SessionDep) -> UserOut:
    return UserOut.model_validate(users.create(session, principal, body))


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: uuid.UUID, body: UserPatch, principal: AdminPrincipal, session: SessionDep) -> UserOut:
    return UserOut.model_validate(users.update(session, principal, user_id, body.model_dump(exclude_unset=True)))


@router.delete("/{user_id}", response_model=UserOut)
def deactivate_user(user_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep) -> UserOut:
    """Users are never deleted (the audit trail names them); this deactivates the account."""
    return UserOut.model_validate(users.update(session, principal, user_id, {"is_active": False}))

"""Admins manage users of their own unit and the units below it. Every permission change is audited."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.audit import service as audit
from service.auth import service as auth_service
from service.core.errors import Forbidden, NotFound
from service.identity.principal import Principal
from service.models import User
from service.orgs import service as orgs
from service.users import repository
from service.users.schemas import UserCreate


def _manageable(session: Session, principal: Principal, user_id: uuid.UUID) -> User:
    found = repository.get_with_org(session, user_id)
    if found is None or not orgs.in_subtree(principal.organisation_path, found[1].path):
        raise NotFound(what="người dùng / user")
    return found[0]


def create(session: Session, principal: Principal, body: UserCreate) -> User:
    org = orgs.require_manageable(session, principal, body.organisation_id or principal.organisation_id)
    return auth_service.create_user(session, email=body.email, full_name=body.full_name, password=body.password,
                                    role=body.role, organisation_id=org.id, actor=principal)


def list_users(session: Session, principal: Principal, *, role: str | None, organisation_id: uuid.UUID | None,
               limit: int) -> list[User]:
    return repository.in_subtree(session, principal.organisation_path, role, organisation_id, limit)


def update(session: Session, principal: Principal, user_id: uuid.UUID, changes: dict[str, Any]) -> User:
    user = _manageable(session, principal, user_id)
    permission = {k: v for k, v in changes.items() if k in ("role", "is_active", "organisation_id") and v is not None}
    if user.id == principal.user_id and permission:
        raise Forbidden("self_change")  # an admin locking themselves out needs another admin
    if "organisation_id" in permission:
        orgs.require_manageable(session, principal, permission["organisation_id"])
    if changes.get("full_name"):
        user.full_name = changes["full_name"]
    before = {k: getattr(user, k) for k in permission}
    for key, value in permission.items():
        setattr(user, key, value)
    repository.flush(session)
    changed = {k: v for k, v in permission.items() if before[k] != v}
    if changed:
        if changed.get("is_active") is False or "role" in changed or "organisation_id" in changed:
            repository.revoke_tokens(session, user.id)
        audit.record(session, "user.permissions_changed", "user", user.id, actor=principal,
                     before={k: before[k] for k in changed}, after=changed)
    return user

"""The organisation tree. Admins manage their own unit and everything below it, nothing above or beside."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.errors import Conflict, Forbidden, KhoError, NotFound
from service.models import Organisation
from service.models.org import ORG_KINDS
from service.orgs import repository


def in_subtree(ancestor_path: str, org_path: str) -> bool:
    return org_path.startswith(ancestor_path)


def get_or_404(session: Session, org_id: uuid.UUID) -> Organisation:
    org = repository.get(session, org_id)
    if not org:
        raise NotFound(what="đơn vị / organisation")
    return org


def require_manageable(session: Session, principal: Principal, org_id: uuid.UUID) -> Organisation:
    org = get_or_404(session, org_id)
    if principal.role != "admin" or not in_subtree(principal.organisation_path, org.path):
        raise Forbidden()
    return org


def create(session: Session, *, code: str, name: str, kind: str, parent_code: str | None = None,
           name_en: str | None = None, approval_levels: int = 1) -> Organisation:
    if kind not in ORG_KINDS:
        raise KhoError("validation_failed", reason=f"kind must be one of {', '.join(ORG_KINDS)}")
    if repository.by_code(session, code):
        raise Conflict(reason=f"organisation code {code} exists")
    parent = None
    if parent_code:
        parent = repository.by_code(session, parent_code)
        if not parent:
            raise KhoError("validation_failed", reason=f"unknown parent code {parent_code}")
    org_id = uuid.uuid4()
    path = f"{parent.path if parent else '/'}{org_id.hex}/"
    org = Organisation(id=org_id, code=code, name=name, name_en=name_en, kind=kind,
                       parent_id=parent.id if parent else None, path=path, approval_levels=approval_levels)
    repository.add(session, org)
    return org

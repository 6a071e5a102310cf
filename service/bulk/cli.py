"""`kho import FILE.zip --org CODE --user EMAIL`: the same import as the API, acting as that user."""

from __future__ import annotations

from pathlib import Path

from service.auth import repository as auth_repo
from service.bulk.service import ImportReport, run_import
from service.core.db import unit_of_work
from service.core.errors import Forbidden, KhoError, NotFound
from service.core.runtime import Runtime
from service.identity import tokens
from service.orgs import repository as orgs_repo


def import_for_user(rt: Runtime, path: Path, email: str, org_code: str) -> ImportReport:
    with unit_of_work(rt.sessionmaker) as session:
        user = auth_repo.user_by_email(session, email.strip().lower())
        if user is None or not user.is_active:
            raise NotFound(what=f"người dùng / user {email}")
        org = orgs_repo.get(session, user.organisation_id)
        owner = orgs_repo.by_code(session, org_code)
        if org is None or owner is None:
            raise NotFound(what=f"đơn vị / organisation {org_code}")
        principal = tokens.principal_for_user(user, org)
    if principal.role not in ("admin", "producer"):
        raise Forbidden()
    if not path.is_file():
        raise KhoError("import_not_zip", status=400, reason=f"{path} is not a file")
    return run_import(rt, path, principal, owner.id)

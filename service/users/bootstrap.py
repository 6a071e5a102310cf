"""First-run set-up: the root organisation and the first administrator (password generated, shown once)."""

from __future__ import annotations

from service.auth import service as auth_service
from service.core.db import unit_of_work
from service.core.errors import KhoError
from service.core.security import generate_password
from service.orgs import repository as orgs_repo
from service.orgs import service as orgs
from service.users import repository as users_repo

ROOT_CODE = "BGDDT"
ADMIN_EMAIL = "admin@kho.local"


def ensure_root_org() -> None:
    with unit_of_work() as session:
        if not orgs_repo.by_code(session, ROOT_CODE):
            orgs.create(session, code=ROOT_CODE, name="Bộ Giáo dục và Đào tạo",
                        name_en="Ministry of Education and Training", kind="ministry")


def ensure_admin() -> tuple[str, str] | None:
    """Create the first administrator unless an administrator exists (other users, e.g. demo accounts,
    do not count: the repository still needs someone who can manage it)."""
    ensure_root_org()
    with unit_of_work() as session:
        if users_repo.count_admins(session) > 0:
            return None
        root = orgs_repo.by_code(session, ROOT_CODE)
        assert root is not None
        password = generate_password()
        auth_service.create_user(session, email=ADMIN_EMAIL, full_name="Quản trị hệ thống", password=password,
                                 role="admin", organisation_id=root.id)
    return ADMIN_EMAIL, password


def create_admin(email: str, password: str | None) -> str:
    """`kho create-admin EMAIL`: an administrator of the root organisation; returns the password."""
    return create_user_cli(email, "Quản trị hệ thống", "admin", ROOT_CODE, password)


def _org_id(session: object, code: str) -> object:
    org = orgs_repo.by_code(session, code)  # type: ignore[arg-type]
    if not org:
        raise KhoError("validation_failed", reason=f"unknown organisation code {code}")
    return org.id


def create_user_cli(email: str, name: str, role: str, org_code: str, password: str | None) -> str:
    ensure_root_org()
    password = password or generate_password()
    with unit_of_work() as session:
        auth_service.create_user(session, email=email, full_name=name or email, password=password, role=role,
                                 organisation_id=_org_id(session, org_code))  # type: ignore[arg-type]
    return password


def create_api_key_cli(name: str, org_code: str, scopes: list[str]) -> str:
    ensure_root_org()
    with unit_of_work() as session:
        created = auth_service.create_api_key(session, name=name, organisation_id=_org_id(session, org_code),  # type: ignore[arg-type]
                                              scopes=scopes)
    return created.key

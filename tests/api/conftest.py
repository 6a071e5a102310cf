"""A full service stack for API tests, parametrised over (SQLite + local folder) and (PostgreSQL + S3).

The database is migrated with Alembic once per stack; tests create their own uniquely named data with
the factories, so no test depends on another's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support import create_pg_database, drop_pg_database, postgres_available, require_or_skip

STACKS = ["sqlite-local", "postgres-s3"]


@dataclass
class Stack:
    name: str
    db_url: str
    var_dir: Path

    @property
    def is_postgres(self) -> bool:
        return self.db_url.startswith("postgresql")


def _configure(env: dict[str, str]) -> None:
    for key in [k for k in os.environ if k.startswith("KHO_") and k not in ("KHO_TEST_REQUIRE_SERVICES",)
                and not k.startswith("KHO_TEST_")]:
        del os.environ[key]
    os.environ.update(env)
    from service import runtime

    runtime.install(runtime.Runtime.build())  # from the environment just set; the previous stack's is closed


@pytest.fixture(scope="session", params=STACKS)
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    name = request.param
    var_dir = tmp_path_factory.mktemp(name)
    env = {"KHO_ENV": "test", "KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "test-secret-" + "x" * 32,
           "KHO_BASE_URL": "http://testserver"}
    server = None
    db_name = None
    if name == "postgres-s3":
        require_or_skip(postgres_available(), "PostgreSQL is not running on 127.0.0.1:5432")
        from tests.storage.s3server import S3ServerError, start_s3_server

        try:
            server = start_s3_server()
        except S3ServerError as exc:
            require_or_skip(False, f"S3 test server unavailable: {exc}")
            raise
        db_name = f"kho_test_{uuid.uuid4().hex[:8]}"
        env.update(KHO_DATABASE_URL=create_pg_database(db_name), KHO_STORAGE="s3", KHO_S3_ENDPOINT=server.endpoint,
                   KHO_S3_ACCESS_KEY=server.access_key, KHO_S3_SECRET_KEY=server.secret_key,
                   KHO_S3_BUCKET=f"kho-{uuid.uuid4().hex[:8]}")
    _configure(env)
    from service.migrate import upgrade
    from service.runtime import get_settings

    upgrade(get_settings().db_url)
    yield Stack(name, get_settings().db_url, var_dir)
    from service import runtime

    runtime.close()
    if server:
        server.stop()
    if db_name:
        drop_pg_database(db_name)


@pytest.fixture
def client(stack: Stack) -> Iterator[TestClient]:
    from service.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def factory(stack: Stack) -> Factory:
    return Factory()


class Factory:
    """Creates organisations, users and tokens through the domain services (no raw SQL)."""

    def org(self, kind: str = "department", parent_code: str | None = None) -> str:
        from service.db import unit_of_work
        from service.orgs import service as orgs

        code = f"ORG-{uuid.uuid4().hex[:8]}"
        with unit_of_work() as session:
            orgs.create(session, code=code, name=f"Đơn vị thử {code}", kind=kind, parent_code=parent_code)
        return code

    def user(self, role: str, org_code: str | None = None) -> tuple[str, str]:
        """Returns (email, bearer token)."""
        from service.auth import service as auth_service
        from service.db import unit_of_work
        from service.orgs import repository as orgs_repo

        org_code = org_code or self.org()
        email = f"{role}-{uuid.uuid4().hex[:8]}@test.local"
        with unit_of_work() as session:
            org = orgs_repo.by_code(session, org_code)
            assert org is not None
            user = auth_service.create_user(session, email=email, full_name=email, password="pw-" + email,
                                            role=role, organisation_id=org.id)
            token = auth_service.issue_token(session, user).token
        return email, token

    def headers(self, role: str, org_code: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.user(role, org_code)[1]}"}

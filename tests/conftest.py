"""The service stacks every test folder shares: (SQLite + local folder) and (PostgreSQL + S3).

One stack per database kind for the whole run, migrated with Alembic once. Tests create their own uniquely
named data with the factories, so no test depends on another's rows and the database is not emptied between
tests. Fixtures live only here: a folder's conftest.py must not re-import them (pytest would then build a
second copy of the stack for that folder).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from tests.support import create_pg_database, drop_pg_database, postgres_available, require_or_skip

if TYPE_CHECKING:
    from tests.service.workflow.wf_support import Flow, Tree

STACKS = ["sqlite-local", "postgres-s3"]

# Settings every test process gets: argon2's cheapest parameters (a standard hash costs ~0.5 s of CPU here and
# the suite makes thousands of users), a setting of the service refused in production; and an anonymous
# per-address limit the whole suite cannot reach: every TestClient request comes from one address
# ("testclient"), so the default 600 a minute counted every test's anonymous requests together, and a test
# after a link crawl was refused. Tests of the limits set their own (per key, or in their own process).
TEST_SETTINGS = {"KHO_ENV": "test", "KHO_PASSWORD_HASHING": "cheap",
                 "KHO_RATE_LIMIT_ANONYMOUS_PER_MINUTE": "1000000"}


def configure_process(env: dict[str, str]) -> None:
    """THE switch of process environment: replace every KHO_* setting (but KHO_TEST_*) by `env` and forget
    everything the runtime derived from the old one. Every stack, live server and fault test goes through it."""
    for key in [k for k in os.environ if k.startswith("KHO_") and not k.startswith("KHO_TEST_")]:
        del os.environ[key]
    os.environ.update({**TEST_SETTINGS, **env})
    from service.core import runtime

    # A runtime built from the environment just set; installing it closes the previous one (a dead database
    # or storage server failing to close is logged, not raised: the fault tests stop them on purpose).
    runtime.install(runtime.Runtime.build())


def process_settings() -> dict[str, str]:
    """The KHO_* settings of this process that configure_process owns."""
    return {k: v for k, v in os.environ.items() if k.startswith("KHO_") and not k.startswith("KHO_TEST_")}


@dataclass
class Stack:
    name: str
    db_url: str
    var_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        return self.db_url.startswith("postgresql")

    def activate(self) -> None:
        """Point the process at this stack again if something (a live browser server, a fault test) moved it."""
        if process_settings() != {**TEST_SETTINGS, **self.env}:
            configure_process(self.env)


@pytest.fixture(scope="session", params=STACKS)
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    name = request.param
    var_dir = tmp_path_factory.mktemp(name)
    env = {"KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "test-secret-" + "x" * 32,
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
    configure_process(env)
    from service.core.migrate import upgrade
    from service.core.runtime import get_settings

    upgrade(get_settings().database.url)
    yield Stack(name, get_settings().database.url, var_dir, env)
    from service.core import runtime

    runtime.close()
    if server:
        server.stop()
    if db_name:
        drop_pg_database(db_name)


# The slow lane: whole folders whose every test drives real media tools (ffmpeg, LibreOffice, tesseract), Debian
# Chromium or schemathesis, and the PostgreSQL + S3 copy of the stack tests. Single long tests elsewhere (real
# processing jobs, CLI subprocesses, whole-API sweeps) carry @pytest.mark.slow themselves. The quick lane
# (`-m "not slow"`, README) leaves them all out; CI runs everything.
SLOW_FOLDERS = ("browser", "transcoding", "fuzz")


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Under `-n`, tests are handed to workers in groups (one module on one stack; the fault tests together):
    see tests/parallel.py."""
    from tests.parallel import GroupScheduling

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests_root = Path(__file__).parent
    for item in items:
        # The second copy of every stack test (PostgreSQL + S3) is slow-lane too: the quick lane checks each
        # behaviour once, on SQLite + folder; CI checks both.
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("stack") == "postgres-s3":
            item.add_marker(pytest.mark.slow)
        parts = Path(str(item.path)).relative_to(tests_root).parts
        if parts and parts[0] in SLOW_FOLDERS:
            for marker in sorted(_folder_markers(parts[0])):
                item.add_marker(getattr(pytest.mark, marker))


def _folder_markers(folder: str) -> set[str]:
    return {"slow", "browser"} if folder == "browser" else {"slow"}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A slow-lane folder is not even imported when the mark expression leaves out every test it can hold
    (the quick lane): importing schemathesis, hypothesis and the media helpers costs seconds of collection."""
    tests_root = Path(__file__).parent
    markexpr = config.getoption("markexpr", "")
    if not markexpr or collection_path.parent != tests_root or collection_path.name not in SLOW_FOLDERS:
        return None
    try:
        from _pytest.mark.expression import Expression  # pytest's own -m parser (private; only a shortcut)
    except ImportError:
        return None
    expression = Expression.compile(markexpr)
    markers = _folder_markers(collection_path.name)
    def matcher(others: bool) -> Callable[..., bool]:
        return lambda name, /, **_: name in markers or others

    # Whatever other markers a test there carries, the expression is false for it: nothing to collect.
    if not any(expression.evaluate(matcher(others)) for others in (False, True)):
        return True
    return None


@pytest.fixture(autouse=True)
def _active_stack(request: pytest.FixtureRequest) -> None:
    """A test on a stack runs with that stack's settings, whatever ran before it."""
    if "stack" in request.fixturenames:
        active: Stack = request.getfixturevalue("stack")
        active.activate()


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """The stacks are shared by every module: webhook subscriptions a module made (to unreachable test
    receivers) would otherwise get the events of every later test, and their background delivery passes would
    write to the database while those tests run. They are switched off when the module is done."""
    if "stack" in getattr(item, "fixturenames", ()) and (nextitem is None or nextitem.module is not item.module):
        from sqlalchemy import update

        from service.core.db import unit_of_work
        from service.models.ops import WebhookSubscription

        with unit_of_work() as session:
            session.execute(update(WebhookSubscription).where(WebhookSubscription.active.is_(True))
                            .values(active=False))


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
        from service.core.db import unit_of_work
        from service.orgs import service as orgs

        code = f"ORG-{uuid.uuid4().hex[:8]}"
        with unit_of_work() as session:
            orgs.create(session, code=code, name=f"Đơn vị thử {code}", kind=kind, parent_code=parent_code)
        return code

    def user(self, role: str, org_code: str | None = None) -> tuple[str, str]:
        """Returns (email, bearer token)."""
        from service.auth import service as auth_service
        from service.core.db import unit_of_work
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


# The workflow journeys' shared client and organisation tree, one per stack (workflow, languages and
# notification tests use them).
@pytest.fixture(scope="session")
def shared_flow(stack: Stack) -> Iterator[Flow]:
    from service.app import create_app
    from tests.service.workflow.wf_support import Flow

    stack.activate()
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield Flow(c, Factory())


@pytest.fixture
def flow(shared_flow: Flow) -> Flow:
    return shared_flow


@pytest.fixture(scope="session")
def tree(shared_flow: Flow) -> Tree:
    """One organisation tree per stack, shared by the tests that do not change its settings."""
    from tests.service.workflow.wf_support import Tree

    return Tree.build(shared_flow)


@pytest.fixture
def fresh_tree(shared_flow: Flow) -> Tree:
    from tests.service.workflow.wf_support import Tree

    return Tree.build(shared_flow)

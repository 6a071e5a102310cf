"""Workflow tests run on the API test stacks (SQLite + local folder, PostgreSQL + S3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Factory, Stack, client, factory, stack  # noqa: F401
from tests.workflow.wf_support import Flow, Tree


@pytest.fixture(scope="session")
def shared_flow(stack: Stack) -> Iterator[Flow]:  # noqa: F811
    from service.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield Flow(c, Factory())


@pytest.fixture
def flow(shared_flow: Flow) -> Flow:
    return shared_flow


@pytest.fixture(scope="session")
def tree(shared_flow: Flow) -> Tree:
    """One organisation tree per stack, shared by the tests that do not change its settings."""
    return Tree.build(shared_flow)


@pytest.fixture
def fresh_tree(shared_flow: Flow) -> Tree:
    return Tree.build(shared_flow)

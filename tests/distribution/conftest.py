"""Distribution tests reuse the API stack fixtures (SQLite + local folder and PostgreSQL + S3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Factory, Stack, client, factory, stack  # noqa: F401
from tests.distribution.helpers import Publisher


@pytest.fixture(autouse=True)
def _flush_usage(request: pytest.FixtureRequest) -> Iterator[None]:
    """Write buffered usage events while this stack's database still exists."""
    yield
    if "stack" not in request.fixturenames:
        return
    from service.usage import service as usage

    usage.flush()


@pytest.fixture
def publisher(client: TestClient, factory: Factory) -> Publisher:  # noqa: F811
    return Publisher(client, factory)

"""Distribution tests reuse the API stack fixtures (SQLite + local folder and PostgreSQL + S3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Factory, Stack, client, factory, stack  # noqa: F401
from tests.distribution.helpers import Publisher


@pytest.fixture(autouse=True)
def _flush_usage(stack: Stack) -> Iterator[None]:  # noqa: F811
    """Write buffered usage events while this stack's database still exists."""
    yield
    from service.usage import service as usage

    usage.flush()


@pytest.fixture
def publisher(client: TestClient, factory: Factory) -> Publisher:  # noqa: F811
    return Publisher(client, factory)

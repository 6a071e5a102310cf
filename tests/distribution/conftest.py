"""Distribution tests reuse the API stack fixtures (SQLite + local folder and PostgreSQL + S3)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Factory, Stack, client, factory, stack  # noqa: F401
from tests.distribution.helpers import Publisher


@pytest.fixture
def publisher(client: TestClient, factory: Factory) -> Publisher:  # noqa: F811
    return Publisher(client, factory)

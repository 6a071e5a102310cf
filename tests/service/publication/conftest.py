"""Distribution tests reuse the API stack fixtures (SQLite + local folder and PostgreSQL + S3)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher


@pytest.fixture
def publisher(client: TestClient, factory: Factory) -> Publisher:
    return Publisher(client, factory)

"""Hardening tests reuse the API stacks (SQLite + local folder, PostgreSQL + S3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import Factory, Stack, client, factory, stack  # noqa: F401
from tests.hardening.live import LiveServer


@pytest.fixture
def live(stack: Stack) -> Iterator[LiveServer]:  # noqa: F811
    server = LiveServer().start()
    yield server
    server.stop()

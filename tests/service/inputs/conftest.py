"""Hardening tests reuse the API stacks (SQLite + local folder, PostgreSQL + S3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Stack
from tests.live import LiveServer


@pytest.fixture
def live(stack: Stack) -> Iterator[LiveServer]:
    server = LiveServer().start()
    yield server
    server.stop()

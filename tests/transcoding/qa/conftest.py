from __future__ import annotations

import os

import pytest

from tests.transcoding.qa.samples import sample_set
from transcoding.qa.model import QaSet


def require_or_skip(condition: bool, reason: str) -> None:
    """Skips when a tool is missing, unless KHO_TEST_REQUIRE_SERVICES=1 makes that a failure."""
    if condition:
        return
    if os.environ.get("KHO_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required: {reason}")
    pytest.skip(reason)


@pytest.fixture
def qa() -> QaSet:
    return sample_set()

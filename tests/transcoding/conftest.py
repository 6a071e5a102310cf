"""Transcoding tests skip (or, with KHO_TEST_REQUIRE_SERVICES=1, fail) when a tool is missing."""

from __future__ import annotations

import os

import pytest


def require_or_skip(condition: object, reason: str) -> None:
    if condition:
        return
    if os.environ.get("KHO_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required for this test: {reason}")
    pytest.skip(reason)

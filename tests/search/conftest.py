from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.factory import make_index
from search.protocol import SearchIndex

MEILI_URL = os.environ.get("MEILI_URL")
MEILI_SKIP = (
    "MEILI_URL is not set: no Meilisearch server on this machine. This stays a skip even with "
    "KHO_TEST_REQUIRE_SERVICES=1 because Meilisearch is not part of the test machine's services."
)


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when a tool/service is missing, unless KHO_TEST_REQUIRE_SERVICES=1 makes that a failure."""
    if condition:
        return
    if os.environ.get("KHO_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(params=["embedded", "embedded-2-shards", "meilisearch"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "meilisearch":
        if not MEILI_URL:
            pytest.skip(MEILI_SKIP)
        index = make_index("meilisearch", path=None, meili_url=MEILI_URL,
                           meili_key=os.environ.get("MEILI_KEY"), index_uid=f"test-{uuid.uuid4().hex[:10]}")
    else:
        # The sharded layout keeps the whole contract: every hit, count, facet and cursor is merged.
        shards = 2 if request.param == "embedded-2-shards" else 1
        index = make_index("embedded", path=tmp_path / "search", meili_url=None, meili_key=None,
                           shards=shards)
    try:
        yield index
    finally:
        if request.param == "meilisearch":
            index.clear()
            drop = getattr(index, "drop", None)
            if drop is not None:
                drop()
        index.close()

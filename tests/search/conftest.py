from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.factory import make_index
from search.protocol import SearchIndex
from tests.support import create_pg_database, drop_pg_database, postgres_available
from tests.support import require_or_skip as require_service

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


@pytest.fixture(scope="session")
def search_pg_url() -> Iterator[str]:
    """One throwaway PostgreSQL database for the search tests; each test takes its own table in it."""
    require_service(postgres_available(), "PostgreSQL is not running on 127.0.0.1:5432")
    name = f"kho_search_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(name)
    yield url
    drop_pg_database(name)


def postgres_index(url: str) -> SearchIndex:
    return make_index("postgres", database_url=url, table=f"search_{uuid.uuid4().hex[:10]}")


@pytest.fixture(params=["embedded", "embedded-2-shards", "postgres", "meilisearch"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "postgres":
        index = postgres_index(request.getfixturevalue("search_pg_url"))
    elif request.param == "meilisearch":
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
        if request.param in ("meilisearch", "postgres"):
            index.clear()
            drop = getattr(index, "drop", None)
            if drop is not None:
                drop()
        index.close()

"""Which search engine the settings pick: PostgreSQL by default beside a PostgreSQL database."""

from __future__ import annotations

import pytest

from service.core.config import Settings

PG = "postgresql+psycopg://kho:secret@db:5432/kho"


@pytest.mark.parametrize(("database_url", "search", "expected"), [
    ("", "", "embedded"), (PG, "", "postgres"), ("postgresql://kho@db/kho", "", "postgres"),
    (PG, "embedded", "embedded"), (PG, "meilisearch", "meilisearch"), ("", "postgres", "postgres"),
])
def test_search_engine_choice(database_url: str, search: str, expected: str) -> None:
    assert Settings(database_url=database_url, search=search).search.engine == expected  # type: ignore[arg-type]


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="search"):
        Settings(search="elastic")  # type: ignore[arg-type]

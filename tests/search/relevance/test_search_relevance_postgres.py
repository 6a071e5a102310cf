"""The graded relevance set on the PostgreSQL engine, held to the embedded engine's targets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.protocol import SearchIndex
from search.vietnamese import fold, has_marks
from tests.search.conftest import postgres_index
from tests.search.relevance.evaluate import evaluate, load_corpus, load_queries, top_ids


@pytest.fixture(scope="module")
def index(search_pg_url: str) -> Iterator[SearchIndex]:
    engine = postgres_index(search_pg_url)
    engine.upsert(load_corpus())
    yield engine
    engine.clear()
    engine.close()


def test_ndcg_recall_zero_results(index: SearchIndex) -> None:
    metrics = evaluate(index, load_queries())
    print("\n" + metrics.report())
    assert metrics.ndcg10 >= 0.85
    assert metrics.recall10 >= 0.85
    assert metrics.zero_rate == 0.0


def test_accented_and_unaccented_forms_share_top3(index: SearchIndex) -> None:
    accented = [j.q for j in load_queries() if has_marks(j.q)]
    assert len(accented) >= 25
    for q in accented:
        assert top_ids(index, q, 3) == top_ids(index, fold(q), 3), q


def test_drafts_never_surface(index: SearchIndex) -> None:
    for judged in load_queries():
        assert "nq71-draft" not in top_ids(index, judged.q, 50)

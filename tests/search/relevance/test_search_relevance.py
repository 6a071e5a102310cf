"""Relevance of the embedded engine on the graded Vietnamese query set written from the seed plans."""

from __future__ import annotations

import pytest

from search.embedded import EmbeddedIndex
from search.vietnamese import fold, has_marks
from tests.search.relevance.evaluate import evaluate, load_corpus, load_queries, top_ids


def _engine(shards: int = 1) -> EmbeddedIndex:
    engine = EmbeddedIndex(None, shards=shards)
    engine.upsert(load_corpus())
    return engine


def test_set_size() -> None:
    queries = load_queries()
    assert len(load_corpus()) >= 40 and len(queries) >= 60
    assert sum(1 for j in queries if not has_marks(j.q)) >= 30
    corpus_ids = {d.id for d in load_corpus() if d.status == "published"}
    assert all(set(j.rel) <= corpus_ids for j in queries)


# Two shards score with each shard's own statistics; the targets hold for that layout too.
@pytest.mark.parametrize("shards", [1, 2])
def test_ndcg_recall_zero_results(shards: int) -> None:
    metrics = evaluate(_engine(shards), load_queries())
    print("\n" + metrics.report())
    assert metrics.ndcg10 >= 0.85
    assert metrics.recall10 >= 0.85
    assert metrics.zero_rate == 0.0


@pytest.mark.parametrize("shards", [1, 2])
def test_accented_and_unaccented_forms_share_top3(shards: int) -> None:
    engine = _engine(shards)
    accented = [j.q for j in load_queries() if has_marks(j.q)]
    assert len(accented) >= 25
    for q in accented:
        assert top_ids(engine, q, 3) == top_ids(engine, fold(q), 3), q


def test_drafts_never_surface() -> None:
    engine = _engine()
    for judged in load_queries():
        assert "nq71-draft" not in top_ids(engine, judged.q, 50)

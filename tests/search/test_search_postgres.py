"""What the PostgreSQL engine adds to the contract: several hosts share one index, its tables are its own."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

from search.postgres import PostgresIndex, engine_url
from search.types import SearchDocument, SearchQuery, Visibility

REPO = Path(__file__).resolve().parents[2]
EVERYONE = Visibility.everything()


def _doc(doc_id: str, title: str) -> SearchDocument:
    return SearchDocument(id=doc_id, kind="video", status="published", title=title, org_id="so-hue",
                          published_at="2026-01-01T00:00:00")


def _ids(index: PostgresIndex, q: str) -> list[str]:
    return [h.id for h in index.search(SearchQuery(q=q, visibility=EVERYONE, facets=False)).hits]


def test_two_hosts_share_one_index(search_pg_url: str) -> None:
    table = f"hosts_{uuid.uuid4().hex[:8]}"
    api, worker = PostgresIndex(search_pg_url, table=table), PostgresIndex(search_pg_url, table=table)
    try:
        worker.upsert([_doc("a", "Tuyển sinh đầu cấp"), _doc("b", "Chuyển đổi số")])
        assert _ids(api, "tuyen sinh") == ["a"]  # committed when upsert returned: seen by the other host
        api.delete(["a"])
        assert _ids(worker, "tuyen sinh") == [] and worker.ids() == {"b"}
        assert _ids(api, "giaoduc") == []
        worker.upsert([_doc("c", "Giáo dục vùng cao")])
        assert _ids(api, "giaoduc") == ["c"]  # typed without a space: the glued pair in the vocabulary
    finally:
        api.drop()
        api.close()
        worker.close()


WRITER = """
import sys
from search.postgres import PostgresIndex
from search.types import SearchDocument
index = PostgresIndex(sys.argv[1], table=sys.argv[2])
for start in range(0, 200, 20):
    index.upsert([SearchDocument(id=f"{sys.argv[3]}-{i}", kind="video", status="published",
                                 title=f"Giáo dục đào tạo bài {i}", summary="chuyển đổi số nhà trường")
                  for i in range(start, start + 20)])
"""


def test_concurrent_writer_processes(search_pg_url: str) -> None:
    """Two worker processes open the same (new) table at once and write overlapping vocabulary."""
    table = f"procs_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, search_pg_url, table, name], cwd=REPO, env=env,
                              stderr=subprocess.PIPE, text=True) for name in ("w1", "w2")]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    index = PostgresIndex(search_pg_url, table=table)
    try:
        assert index.count() == 400
        assert index.search(SearchQuery(q="giao duc dao tao", visibility=EVERYONE, facets=False)).total == 400
    finally:
        index.drop()
        index.close()


def test_a_table_of_another_layout_is_dropped_for_a_refill(search_pg_url: str) -> None:
    table = f"layout_{uuid.uuid4().hex[:8]}"
    first = PostgresIndex(search_pg_url, table=table)
    first.upsert([_doc("a", "Tuyển sinh")])
    assert first.take_dropped_layout() is False
    with first.db.begin() as conn:
        conn.execute(sa.text(f"COMMENT ON TABLE {table} IS 'kho-search-pg 0'"))
    first.close()
    reopened = PostgresIndex(search_pg_url, table=table)
    try:
        assert reopened.count() == 0
        assert reopened.take_dropped_layout() is True and reopened.take_dropped_layout() is False
        with reopened.db.connect() as conn:
            assert conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == 1
    finally:
        reopened.drop()
        reopened.close()


def test_database_urls_take_the_psycopg_driver() -> None:
    assert engine_url("postgresql://kho@db/kho") == "postgresql+psycopg://kho@db/kho"
    assert engine_url("postgres://kho@db/kho") == "postgresql+psycopg://kho@db/kho"
    assert engine_url("postgresql+psycopg://kho@db/kho") == "postgresql+psycopg://kho@db/kho"

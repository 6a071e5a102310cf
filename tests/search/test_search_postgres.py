"""What the PostgreSQL engine adds to the contract: several hosts share one index, its tables are its own."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from search import postgres_rebuild
from search.postgres import PostgresIndex, engine_url
from search.postgres_rebuild import RebuildRunning
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


def test_a_rebuild_is_never_seen_half_done(search_pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """While one host rebuilds, another's searches return the whole old index (polled while the shadow
    fills, its chunks committed); writes made meanwhile survive the swap; afterwards the new data is served."""
    monkeypatch.setattr(postgres_rebuild, "COMMIT_EVERY", 50)  # the shadow commits rows while we read
    table = f"swap_{uuid.uuid4().hex[:8]}"
    builder, reader = PostgresIndex(search_pg_url, table=table), PostgresIndex(search_pg_url, table=table)
    old = [_doc(f"old-{i}", f"Giáo dục vùng cao bài {i}") for i in range(120)]
    reader.upsert(old)
    halfway, resume = threading.Event(), threading.Event()

    def new_docs() -> Iterator[SearchDocument]:
        for i in range(400):
            if i == 200:
                halfway.set()
                assert resume.wait(60), "the reader never finished its checks"
            yield _doc(f"new-{i}", f"Tuyển sinh đầu cấp giáo dục bài {i}")
        yield _doc("old-0", "Giáo dục vùng cao bài 0")  # kept by the rebuild, deleted meanwhile

    result: list[int | BaseException] = []

    def run() -> None:
        try:
            result.append(builder.rebuild(new_docs()))
        except BaseException as exc:  # the assertion in new_docs, reported below
            result.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert halfway.wait(60)
        with reader.db.connect() as conn:  # the shadow holds committed rows by now
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}_next")).scalar_one() >= 150
        for _ in range(5):
            found = reader.search(SearchQuery(q="giao duc", visibility=EVERYONE, facets=False))
            assert found.total == 120 and reader.count() == 120
            assert reader.search(SearchQuery(q="tuyen sinh", visibility=EVERYONE, facets=False)).total == 0
        with pytest.raises(RebuildRunning):
            reader.rebuild([])
        reader.upsert([_doc("late", "Chuyển đổi số nhà trường")])  # a worker's write during the rebuild
        reader.delete(["old-0"])
    finally:
        resume.set()
        thread.join(120)
    try:
        assert result == [401]
        assert reader.search(SearchQuery(q="tuyen sinh", visibility=EVERYONE, facets=False)).total == 400
        assert reader.search(SearchQuery(q="vung cao", visibility=EVERYONE, facets=False)).total == 0
        assert _ids(reader, "chuyen doi so") == ["late"] and "old-0" not in reader.ids()
        assert reader.count() == 401
        assert _ids(reader, "tuyensinh")[:1]  # the new vocabulary (glued pair) answers typed-together words
        # A second rebuild reuses the names the first one swapped in.
        assert builder.rebuild([_doc("x", "Hiếu học")]) == 1 and reader.ids() == {"x"}
    finally:
        reader.drop()
        reader.close()
        builder.close()


def test_a_failed_rebuild_leaves_the_live_index_and_no_shadow(search_pg_url: str) -> None:
    table = f"fail_{uuid.uuid4().hex[:8]}"
    index = PostgresIndex(search_pg_url, table=table)

    def broken() -> Iterator[SearchDocument]:
        yield _doc("new-1", "Tuyển sinh")
        raise RuntimeError("the database went away mid-read")

    try:
        index.upsert([_doc("a", "Giáo dục vùng cao")])
        with pytest.raises(RuntimeError, match="went away"):
            index.rebuild(broken())
        assert index.ids() == {"a"} and _ids(index, "giao duc") == ["a"]
        with index.db.connect() as conn:
            assert conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": f"{table}_next"}).scalar() is None
        index.upsert([_doc("b", "Chuyển đổi số")])  # writers no longer note ids for a rebuild
        assert index.rebuild([_doc("c", "Hiếu học")]) == 1 and index.ids() == {"c"}
    finally:
        index.drop()
        index.close()

"""The PostgreSQL search engine beside the embedded one, on the same synthetic corpus in the same run.

The judged relevance corpus (tests/search/relevance) is indexed among N synthetic assets drawn from the seed
plans, so nDCG@10 / recall@10 are measured with N distractors; then p50/p95 of the bench/search.py query
mixes. The embedded engine, measured in the same run, is the baseline of every ratio.

    .venv/bin/python bench/search_postgres.py                      # 100k
    .venv/bin/python bench/search_postgres.py --sizes 1000000 --keep  # 1M (long: see bench/RESULTS.md)

Seed plans: ../shared/seeds, or KHO_BENCH_SEEDS. PostgreSQL: KHO_BENCH_PG_URL (default: the local server,
user postgres); the bench makes its own database (kho_bench_search) and drops it unless --keep.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

import bench.search  # noqa: E402
from bench.search import COMMON, TYPICAL, Sample, pct, synthetic, timed  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from search.postgres import PostgresIndex  # noqa: E402
from search.protocol import SearchIndex  # noqa: E402
from search.types import SearchDocument, SearchQuery, Visibility  # noqa: E402
from tests.search.relevance.evaluate import evaluate, load_corpus, load_queries  # noqa: E402

ADMIN_URL = os.environ.get("KHO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DB = "kho_bench_search"
KEEP_DIR = Path(os.environ.get("KHO_BENCH_KEEP_DIR", "/tmp/kho-search-bench-kept"))
if os.environ.get("KHO_BENCH_SEEDS"):  # the seed plans when shared/ is not beside the checkout (a worktree)
    bench.search.SEEDS = Path(os.environ["KHO_BENCH_SEEDS"])


def database(keep: bool) -> str:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DB}).first()
        if exists and not keep:
            conn.execute(sa.text(f'DROP DATABASE "{DB}" WITH (FORCE)'))
        if not exists or not keep:
            conn.execute(sa.text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DB}"


def corpus(size: int) -> Iterator[SearchDocument]:
    yield from load_corpus()
    yield from synthetic(size)


def build(index: SearchIndex, size: int) -> float:
    start, batch = time.perf_counter(), []
    for doc in corpus(size):
        batch.append(doc)
        if len(batch) == 20_000:
            index.upsert(batch)
            batch = []
    index.upsert(batch)
    return time.perf_counter() - start


def load_ratio(url: str, n: int) -> None:
    """The rebuild (COPY into a shadow table, indexes after the load, swap) against the former bulk path
    (batched INSERT … ON CONFLICT into the indexed table) on the same first `n` documents, in the same run;
    the documents are generated beforehand so that only the loading is timed."""
    docs = list(itertools.islice(corpus(n), n))
    rates = {}
    for name in ("upsert", "rebuild"):
        index = PostgresIndex(url, table=f"bench_load_{name}")
        index.clear()
        start = time.perf_counter()
        if name == "rebuild":
            index.rebuild(docs)
        else:
            for i in range(0, len(docs), 500):
                index.upsert(docs[i:i + 500])
        rates[name] = n / (time.perf_counter() - start)
        index.drop()
        index.close()
    print(f"loading {n:,} documents: upsert path {rates['upsert']:,.0f} docs/s, rebuild {rates['rebuild']:,.0f} "
          f"docs/s; rebuild / upsert: {rates['rebuild'] / rates['upsert']:.2f}x")


def rows(index: SearchIndex, repeat: int) -> dict[str, list[Sample]]:
    vis = Visibility.published_only()

    def each(queries: list[str], facets: bool) -> list[Sample]:
        return [t for q in queries for t in timed(_search(index, SearchQuery(q=q, visibility=vis, facets=facets)),
                                                  repeat)]

    return {
        "typical queries (no facets)": each(TYPICAL, False),
        "very common words (no facets)": each(COMMON, False),
        "typical queries + facet counts": each(TYPICAL, True),
        "facets only (empty query, filter topic)": timed(_search(index, SearchQuery(
            visibility=vis, filters={"topic": ["chuyen-doi-so"]}, limit=1)), repeat * 3),
        "sort newest, common word": timed(_search(index, SearchQuery(
            q="giáo dục", visibility=vis, sort="newest", facets=False)), repeat * 3),
    }


def _search(index: SearchIndex, query: SearchQuery) -> Callable[[], object]:
    return lambda: index.search(query)


def run_postgres_only(pg: PostgresIndex, repeat: int) -> None:
    """--engines postgres: when the embedded build does not fit in the time (1M on a loaded machine); its
    figures then come from bench/search.py runs, not from this one."""
    print(f"relevance postgres : {evaluate(pg, load_queries()).report().splitlines()[0]}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'measure':42} {'pg p50':>8} {'pg p95':>8}")
    for measure, samples in rows(pg, repeat).items():
        p = [w for w, _ in samples]
        print(f"{measure:42} {pct(p, 50):8.1f} {pct(p, 95):8.1f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    pg.close()


def run(size: int, repeat: int, keep: bool, with_embedded: bool = True) -> None:
    url = database(keep)
    pg = PostgresIndex(url, table=f"bench_{size}")
    if keep and pg.count() == size + len(load_corpus()):
        print(f"\n== {size:,} synthetic + judged documents: reusing the PostgreSQL table")
    else:
        start = time.perf_counter()
        pg.rebuild(corpus(size))
        elapsed = time.perf_counter() - start
        print(f"\n== {size:,} synthetic + judged documents\nPostgreSQL rebuilt (COPY, shadow table, swap) in "
              f"{elapsed:.1f} s, {size / elapsed:,.0f} docs/s")
        if with_embedded:
            load_ratio(url, min(size, 20_000))
    # --keep keeps the embedded index too (a 1M build takes long): in a fixed folder, reused when complete.
    if not with_embedded:
        return run_postgres_only(pg, repeat)
    folder = KEEP_DIR / f"embedded_{size}" if keep else Path(tempfile.mkdtemp(prefix="kho-search-bench-"))
    embedded = EmbeddedIndex(folder / "idx", writer_heap=512_000_000, writer_threads=2, facet_cache=0)
    if keep and embedded.count() == size + len(load_corpus()):
        print("embedded: reusing the kept index")
    else:
        embedded.clear()
        elapsed = build(embedded, size)
        print(f"embedded indexed in {elapsed:.1f} s, {size / elapsed:,.0f} docs/s")
    queries = load_queries()
    for name, index in (("embedded", embedded), ("postgres", pg)):
        print(f"relevance {name:9}: {evaluate(index, queries).report().splitlines()[0]}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    measured = {name: rows(index, repeat) for name, index in (("embedded", embedded), ("postgres", pg))}
    print(f"{'measure':42} {'emb p50':>8} {'emb p95':>8} {'pg p50':>8} {'pg p95':>8} {'p95 pg/emb':>10}")
    for measure in measured["embedded"]:
        e = [w for w, _ in measured["embedded"][measure]]
        p = [w for w, _ in measured["postgres"][measure]]
        print(f"{measure:42} {pct(e, 50):8.1f} {pct(e, 95):8.1f} {pct(p, 50):8.1f} {pct(p, 95):8.1f} "
              f"{pct(p, 95) / pct(e, 95):10.1f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    embedded.close()
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    pg.close()
    if not keep:
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000", help="comma-separated synthetic corpus sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL table and reuse it next run")
    parser.add_argument("--engines", default="both", choices=["both", "postgres"],
                        help="postgres: skip the embedded engine (its build would not fit)")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, args.repeat, args.keep, args.engines == "both")


if __name__ == "__main__":
    main()

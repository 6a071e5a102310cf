"""A/B of the PostgreSQL engine's query code: another checkout (e.g. the branch start) against this one,
same corpus size, same machine, run back to back, each version on its own table (their layouts differ).

    git archive fda13bc search bench | tar -x -C /tmp/old      # the code to compare with
    for c in /tmp/old $PWD /tmp/old $PWD; do nice -n 5 .venv/bin/python bench/search_postgres_ab.py $c 30000 3; done
    nice -n 5 .venv/bin/python bench/search_postgres_ab.py /tmp/old 5000 --load   # loading rate instead

Run from this checkout (tests/search/relevance comes from here); KHO_BENCH_SEEDS as for search_postgres.py.
"""
import itertools
import os
import sys
import time
from pathlib import Path

code, size = sys.argv[1], int(sys.argv[2])
repeat = 3 if len(sys.argv) < 4 or sys.argv[3] == "--load" else int(sys.argv[3])
sys.path.insert(0, code)
import bench.search  # noqa: E402

bench.search.SEEDS = Path(os.environ.get("KHO_BENCH_SEEDS", "../shared/seeds"))
import bench.search_postgres as bp  # noqa: E402
from bench.search import pct  # noqa: E402
from search.postgres import PostgresIndex  # noqa: E402

url = bp.ADMIN_URL.rsplit("/", 1)[0] + f"/{bp.DB}"  # made by a search_postgres.py --keep run
from tests.search.relevance.evaluate import load_corpus  # noqa: E402

if "--load" in sys.argv:  # the loading rate: documents generated first, then only the load is timed
    docs = list(itertools.islice(bench.search.synthetic(size), size))
    idx = PostgresIndex(url, table="bench_loadcmp")
    idx.clear()
    start = time.perf_counter()
    if hasattr(idx, "rebuild"):
        idx.rebuild(docs)
        how = "rebuild (COPY, shadow, swap)"
    else:
        for i in range(0, size, 500):
            idx.upsert(docs[i:i + 500])
        how = "upsert in batches of 500"
    elapsed = time.perf_counter() - start
    print(f"{how}: {size} docs in {elapsed:.1f} s = {size / elapsed:,.0f} docs/s; load {os.getloadavg()[0]:.1f}")
    idx.drop()
    idx.close()
    sys.exit(0)
name = "ab_" + Path(code).resolve().name.replace("-", "_")
pg = PostgresIndex(url, table=name)
if pg.count() != size + len(load_corpus()):
    pg.clear()
    if hasattr(pg, "rebuild"):
        pg.rebuild(bp.corpus(size))
    else:
        bp.build(pg, size)
    with pg.db.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(f"VACUUM ANALYZE {name}")
print(f"{name} ({code}): load before {os.getloadavg()[0]:.1f}")
for measure, samples in bp.rows(pg, repeat).items():
    w = [x for x, _ in samples]
    print(f"  {measure:42} p50 {pct(w, 50):7.1f}  p95 {pct(w, 95):7.1f}")
print(f"  load after {os.getloadavg()[0]:.1f}")

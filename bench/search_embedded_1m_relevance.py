"""The embedded engine's relevance with a million distractors, built into the folder that
`search_postgres.py --keep` reuses (KHO_BENCH_KEEP_DIR): the counterpart of the PostgreSQL-only 1M run.

    KHO_BENCH_SEEDS=/work/shared/seeds nice -n 5 .venv/bin/python bench/search_embedded_1m_relevance.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.search  # noqa: E402
import bench.search_postgres as bp  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from tests.search.relevance.evaluate import evaluate, load_queries  # noqa: E402

SIZE = 1_000_000


def main() -> None:
    if os.environ.get("KHO_BENCH_SEEDS"):
        bench.search.SEEDS = Path(os.environ["KHO_BENCH_SEEDS"])
    index = EmbeddedIndex(bp.KEEP_DIR / f"embedded_{SIZE}" / "idx", writer_heap=512_000_000, writer_threads=2,
                          facet_cache=0)
    start = time.perf_counter()
    index.clear()
    bp.build(index, SIZE)
    elapsed = time.perf_counter() - start
    print(f"embedded 1M indexed in {elapsed:.0f} s, {SIZE / elapsed:,.0f} docs/s, load {os.getloadavg()[0]:.1f}")
    print("relevance embedded :", evaluate(index, load_queries()).report().splitlines()[0])
    index.close()


if __name__ == "__main__":
    main()

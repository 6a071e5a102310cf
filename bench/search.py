"""Search benchmark: synthetic Vietnamese assets (text drawn from the seed plans) at 100k / 1M documents.

Prints the indexing rate and p50/p95 latency of typical queries, very common words and facet counts on
the embedded engine, with a raw tantivy single-term query measured in the same run as the baseline.

    .venv/bin/python bench/search.py                       # 100k
    .venv/bin/python bench/search.py --sizes 100000,1000000 # also 1M (≈ 2 GB disk, several minutes)
    .venv/bin/python bench/search.py --sizes 1000000 --dir /tmp/kho-bench --keep  # build once, reuse
    .venv/bin/python bench/search.py --sizes 1000000 --shards 2   # searched in two parallel shards

Latency is printed as wall time and as the CPU time of the process (the searching thread and, with
shards, the pool threads searching the other shards).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tantivy import Query  # noqa: E402

from search.embedded import EmbeddedIndex  # noqa: E402
from search.types import SearchDocument, SearchQuery, Visibility  # noqa: E402

# The plans live in shared/seeds beside the checkout (../shared from /work/main, ../../shared from a worktree).
SEEDS = next((p / "shared" / "seeds" for p in Path(__file__).resolve().parents if (p / "shared" / "seeds").is_dir()),
             Path(__file__).resolve().parents[2] / "shared" / "seeds")
KINDS = ["infographic", "video", "podcast", "qa_set", "poster", "document"]
TOPICS = ["y-nghia-quan-diem", "muc-tieu-giai-phap", "to-chuc-thuc-hien", "tien-do-ket-qua",
          "mo-hinh-dien-hinh", "ngay-nha-giao", "tuyen-sinh-huong-nghiep", "chuyen-doi-so", "hieu-hoc",
          "doi-ngoai", "khoi-nghiep"]
AUDIENCES = ["can-bo-dang-vien", "can-bo-quan-ly", "nha-giao", "nhan-vien", "hoc-sinh", "sinh-vien",
             "cha-me-hoc-sinh", "nhan-dan", "doanh-nghiep", "bao-chi", "doi-ngoai"]
LEVELS = ["mam-non", "tieu-hoc", "thcs", "thpt", "gdtx", "gdnn", "dai-hoc"]
CHANNELS = ["web", "zalo", "facebook", "tiktok", "youtube", "truyen-thanh", "bang-tin", "truyen-hinh",
            "bao-in", "truc-quan"]
PROFILES = ["web-hls", "web-mp4", "youtube", "vertical", "facebook-feed", "zalo-oa", "tv-broadcast",
            "signage", "loudspeaker", "podcast", "web-image", "print"]
TYPICAL = ["nghi quyet 71 giao duc", "chuyển đổi số trong giáo dục", "tuyen sinh dau cap", "giaos vieen",
           "mo hinh dien hinh", "truyền thông đa nền tảng", "dao tao giao vien", "ngay nha giao 20/11",
           "phụ huynh học sinh", "nang cao nhan thuc", "THCS", "Sở GDĐT", "quoc sach hang dau",
           "bồi dưỡng nhà giáo", "khoi nghiep doi moi sang tao", "truyen thanh co so", "nghij quyeets",
           "phat trien nguon nhan luc", "hoc tap suot doi", "van hoa hieu hoc"]
ORG_NAMES = ["Sở Giáo dục và Đào tạo", "Trường THCS", "Trường Tiểu học", "Trường THPT", "Trường Mầm non",
             "UBND phường", "UBND xã", "Báo Giáo dục và Thời đại", "Đài Phát thanh - Truyền hình",
             "Trung tâm GDNN-GDTX", "Phòng Văn hóa - Xã hội"]
PLACES = ["Huế", "Cần Thơ", "Quảng Ngãi", "Bắc Kạn", "Thái Nguyên", "Hà Nội", "Đà Nẵng", "Hải Phòng"]
TARGETS_P95_MS = {"typical queries (no facets)": 20.0, "very common words (no facets)": 50.0}
COMMON = ["học", "giáo dục", "giao duc", "đào tạo", "phát triển"]


def seed_syllables() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words.extend(path.read_text(encoding="utf-8").split())
    return [w.strip("*#-–•;:,.()“”\"") for w in words if w.strip("*#-–•;:,.()“”\"")] or ["giáo", "dục"]


def synthetic(n: int, seed: int = 71) -> Iterator[SearchDocument]:
    rnd = random.Random(seed)
    words = seed_syllables()
    orgs = [f"org-{i}" for i in range(600)]

    def window(lo: int, hi: int) -> str:
        start = rnd.randrange(0, len(words) - hi)
        return " ".join(words[start : start + rnd.randint(lo, hi)])

    for i in range(n):
        org = rnd.randrange(len(orgs))
        yield SearchDocument(
            id=f"asset-{i:07d}", kind=rnd.choice(KINDS),
            status="published" if rnd.random() < 0.9 else "draft",
            title=window(5, 12).capitalize(), summary=window(20, 45), tags=[window(1, 3) for _ in range(2)],
            topics=rnd.sample(TOPICS, rnd.randint(1, 2)), audiences=rnd.sample(AUDIENCES, rnd.randint(1, 3)),
            levels=rnd.sample(LEVELS, rnd.randint(1, 2)), channels=rnd.sample(CHANNELS, rnd.randint(1, 3)),
            org_id=orgs[org], org_name=f"{ORG_NAMES[org % 11]} {PLACES[org % 8]} {org}",
            org_path=["org-root", f"org-p{org % 63}"],
            profiles=rnd.sample(PROFILES, rnd.randint(1, 4)), year=rnd.choice([2025, 2026]),
            published_at=f"202{rnd.randint(5, 6)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T08:00:00",
            downloads=int(rnd.paretovariate(1.2)), urgent=rnd.random() < 0.02,
            ocr_text=window(10, 30) if rnd.random() < 0.3 else "",
        )


Sample = tuple[float, float]  # (wall ms, CPU ms of the process)


def timed(fn: Callable[[], object], repeat: int) -> list[Sample]:
    """Wall and process CPU time per call: on a shared, loaded machine the wall time mostly measures the
    wait for a core, the CPU time what the query itself costs (over every shard)."""
    out = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        out.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return out


def searching(index: EmbeddedIndex, query: SearchQuery) -> Callable[[], object]:
    return functools.partial(index.search, query)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(index: EmbeddedIndex, size: int) -> float:
    """Indexes the synthetic corpus; returns the elapsed seconds."""
    start, batch = time.perf_counter(), []
    for doc in synthetic(size):
        batch.append(doc)
        if len(batch) == 50_000:
            index.upsert(batch)
            batch = []
    index.upsert(batch)
    return time.perf_counter() - start


def open_index(size: int, root: Path, keep: bool, shards: int) -> tuple[EmbeddedIndex, Path]:
    path = root / (f"idx-{size}" if shards == 1 else f"idx-{size}-{shards}shards")
    index = EmbeddedIndex(path, writer_heap=512_000_000, writer_threads=2, facet_cache=0, shards=shards)
    if keep and index.count() == size:
        print(f"\n== {size:,} documents in {shards} shard(s): reusing the index in {path}")
        return index, path
    index.clear()
    elapsed = build(index, size)
    print(f"\n== {size:,} documents in {shards} shard(s): indexed in {elapsed:.1f} s, "
          f"{size / elapsed:,.0f} docs/s, disk {sum(f.stat().st_size for f in path.rglob('*')) / 2**20:,.0f} MiB")
    return index, path


def run(size: int, root: Path, repeat: int, keep: bool, shards: int) -> None:
    index, path = open_index(size, root, keep, shards)
    vis = Visibility.published_only()
    searcher = index._current()[1]
    raw = Query.term_query(index._schema, "title_f", "giao")

    def each(queries: list[str], facets: bool) -> list[Sample]:
        return [t for q in queries
                for t in timed(searching(index, SearchQuery(q=q, visibility=vis, facets=facets)), repeat)]

    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    rows = {
        # Through the shard fan-out like every other row, so the ratios compare like with like.
        "baseline: raw tantivy term, top 20": timed(functools.partial(searcher.search, raw, 20), repeat * 5),
        "typical queries (no facets)": each(TYPICAL, False),
        "very common words (no facets)": each(COMMON, False),
        "typical queries + facet counts": each(TYPICAL, True),
        "very common words + facet counts": each(COMMON, True),
        "facets only (empty query, filter topic)": timed(searching(index, SearchQuery(
            visibility=vis, filters={"topic": ["chuyen-doi-so"]}, limit=1)), repeat * 3),
        "sort newest, common word": timed(searching(index, SearchQuery(
            q="giáo dục", visibility=vis, sort="newest", facets=False)), repeat * 3),
    }
    base = statistics.median(w for w, _ in rows["baseline: raw tantivy term, top 20"])
    print(f"{'measure':44} {'p50 ms':>8} {'p95 ms':>8} {'p50/baseline':>13} {'cpu p50':>8} {'cpu p95':>8}")
    for name, values in rows.items():
        wall, cpu = [w for w, _ in values], [c for _, c in values]
        print(f"{name:44} {pct(wall, 50):8.2f} {pct(wall, 95):8.2f} {pct(wall, 50) / base:13.1f} "
              f"{pct(cpu, 50):8.2f} {pct(cpu, 95):8.2f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if size >= 1_000_000:  # the targets are stated at a million assets
        for name, target in TARGETS_P95_MS.items():
            p95 = pct([w for w, _ in rows[name]], 95)
            print(f"target: {name} p95 {p95:.1f} ms ≤ {target:.0f} ms: {'met' if p95 <= target else 'NOT met'}")
    index.close()
    if not keep:
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000", help="comma-separated corpus sizes, e.g. 100000,1000000")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query")
    parser.add_argument("--shards", type=int, default=1, help="parts the index is searched in, in parallel")
    parser.add_argument("--dir", type=Path, default=None, help="where to build the indexes (default: tmp)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the indexes in --dir and reuse them on the next run (same size)")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="kho-search-bench-"))
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, root, args.repeat, args.keep, args.shards)


if __name__ == "__main__":
    main()

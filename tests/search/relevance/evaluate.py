"""Relevance evaluation over the graded query set: nDCG@10, recall@10, precision@10, irrelevant hits in
the top 10 per query and the zero-result rate; and whether a page size changes the result list.

Every function takes a `SearchIndex`, so any engine is measured the same way. Grades: 3 = the asset the
user wants, 2 = clearly relevant, 1 = acceptable, 0 = judged irrelevant (a syllable match across unrelated
words, or a match through the owning organisation's name). A hit without a grade of at least 1 counts as
irrelevant: precision@10 is the share of graded-relevant hits among those returned (at most 10), and
irrelevant hits per query is the mean number of the others in the top 10.

Run directly to print the metrics for the embedded engine (one shard, or `2` for two):
    .venv/bin/python -m tests.search.relevance.evaluate [2]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from search.protocol import SearchIndex
from search.types import SearchDocument, SearchQuery, Visibility

HERE = Path(__file__).parent
ORGS: dict[str, tuple[str, list[str]]] = {
    "bo-gddt": ("Bộ Giáo dục và Đào tạo", []),
    "bao-gd-td": ("Báo Giáo dục và Thời đại", ["bo-gddt"]),
    "ubnd-hue": ("Ủy ban nhân dân thành phố Huế", []),
    "so-gddt-hue": ("Sở Giáo dục và Đào tạo thành phố Huế", ["ubnd-hue"]),
    "so-vhttdl-hue": ("Sở Văn hóa, Thể thao và Du lịch thành phố Huế", ["ubnd-hue"]),
    "so-gddt-quang-ngai": ("Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi", ["ubnd-quang-ngai"]),
    "so-gddt-can-tho": ("Sở Giáo dục và Đào tạo thành phố Cần Thơ", ["ubnd-can-tho"]),
    "dai-ptth-can-tho": ("Đài Phát thanh và Truyền hình thành phố Cần Thơ", ["ubnd-can-tho"]),
    "ubnd-phuong-bac-kan": ("Ủy ban nhân dân phường Bắc Kạn", ["ubnd-thai-nguyen"]),
}


def load_corpus() -> list[SearchDocument]:
    raw = yaml.safe_load((HERE / "corpus.yaml").read_text(encoding="utf-8"))
    docs = []
    for i, item in enumerate(raw):
        name, path = ORGS[item["org"]]
        org = item.pop("org")
        year = int(item.pop("year"))
        status = item.pop("status", "published")
        stamp = f"{year}-{1 + i % 12:02d}-{1 + i % 27:02d}T08:00:00+07:00"
        profiles = {"infographic": ["web-image", "print"], "poster": ["web-image", "print"],
                    "video": ["web-hls", "youtube"], "podcast": ["podcast", "loudspeaker"]}
        docs.append(SearchDocument(
            **item, status=status, org_id=org, org_name=name, org_path=path, year=year,
            published_at=stamp if status == "published" else None, updated_at=stamp,
            downloads=(i * 37) % 101, profiles=profiles.get(item["kind"], ["web-mp4"]),
        ))
    return docs


@dataclass
class Judged:
    q: str
    rel: dict[str, int]


def load_queries() -> list[Judged]:
    raw = yaml.safe_load((HERE / "queries.yaml").read_text(encoding="utf-8"))
    return [Judged(str(item["q"]), {str(k): int(v) for k, v in item["rel"].items()}) for item in raw]


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


@dataclass
class QueryResult:
    q: str
    ndcg: float
    recall: float
    precision: float
    irrelevant: list[str]  # hits in the top 10 without a grade of at least 1
    top: list[str]


@dataclass
class Metrics:
    ndcg10: float
    recall10: float
    precision10: float
    irrelevant_per_query: float
    zero_rate: float
    per_query: list[QueryResult]

    def report(self) -> str:
        lines = [f"queries={len(self.per_query)} nDCG@10={self.ndcg10:.3f} recall@10={self.recall10:.3f} "
                 f"precision@10={self.precision10:.3f} irrelevant hits per query={self.irrelevant_per_query:.3f} "
                 f"zero-result rate={self.zero_rate:.3f}"]
        worst = sorted(self.per_query, key=lambda r: r.ndcg)[:8]
        lines += [f"  low: {r.q!r} nDCG={r.ndcg:.2f} recall={r.recall:.2f} top={r.top[:3]}" for r in worst]
        noisy = sorted((r for r in self.per_query if r.irrelevant), key=lambda r: -len(r.irrelevant))[:8]
        lines += [f"  irrelevant: {r.q!r} {r.irrelevant}" for r in noisy]
        return "\n".join(lines)


def top_ids(index: SearchIndex, q: str, k: int = 10) -> list[str]:
    result = index.search(SearchQuery(q=q, visibility=Visibility.published_only(), limit=k, facets=False))
    return [h.id for h in result.hits]


def judge(judged: Judged, top: list[str]) -> QueryResult:
    top = top[:10]
    relevant = {i for i, g in judged.rel.items() if g > 0}
    ideal = dcg(sorted((g for g in judged.rel.values() if g > 0), reverse=True)[:10])
    ndcg = dcg([max(judged.rel.get(i, 0), 0) for i in top]) / ideal if ideal else 0.0
    recall = len(set(top) & relevant) / min(len(relevant), 10) if relevant else 1.0
    precision = len([i for i in top if i in relevant]) / len(top) if top else 0.0
    return QueryResult(judged.q, ndcg, recall, precision, [i for i in top if i not in relevant], top)


def evaluate(index: SearchIndex, queries: list[Judged]) -> Metrics:
    rows = [judge(judged, top_ids(index, judged.q)) for judged in queries]
    n = len(rows)
    return Metrics(sum(r.ndcg for r in rows) / n, sum(r.recall for r in rows) / n,
                   sum(r.precision for r in rows) / n, sum(len(r.irrelevant) for r in rows) / n,
                   sum(1 for r in rows if not r.top) / n, rows)


PAGE_SIZES = (1, 2, 5, 20, 50)


def walk(index: SearchIndex, q: str, limit: int, most: int = 500) -> tuple[int, list[str]]:
    """(total of the first page, every id met by following the cursors), for one page size."""
    query = SearchQuery(q=q, visibility=Visibility.published_only(), limit=limit, facets=False)
    result = index.search(query)
    total, ids = result.total, [h.id for h in result.hits]
    while result.next_cursor is not None and len(ids) < most:
        query = SearchQuery(q=q, visibility=Visibility.published_only(), limit=limit, facets=False,
                            cursor=result.next_cursor)
        result = index.search(query)
        ids += [h.id for h in result.hits]
    return total, ids


def page_size_problems(index: SearchIndex, q: str, sizes: tuple[int, ...] = PAGE_SIZES) -> list[str]:
    """What differs between page sizes: the total, the order of the first page against the longest list,
    or the list the cursors walk. Empty when a page size changes nothing."""
    walks = {size: walk(index, q, size) for size in sizes}
    total, reference = walks[max(sizes)]
    problems = []
    for size, (size_total, ids) in walks.items():
        first = top_ids(index, q, size)
        if size_total != total:
            problems.append(f"{q!r} limit={size}: total {size_total}, limit={max(sizes)}: {total}")
        if first != reference[:size]:
            problems.append(f"{q!r} limit={size}: first page {first} is not the start of {reference[:size]}")
        if ids != reference:
            problems.append(f"{q!r} limit={size}: cursors walk {ids}, limit={max(sizes)} walks {reference}")
        if len(ids) != total:
            problems.append(f"{q!r} limit={size}: cursors walk {len(ids)} hits of a total of {total}")
    return problems


if __name__ == "__main__":
    import sys

    from search.embedded import EmbeddedIndex

    # `python -m tests.search.relevance.evaluate 2`: the same set on a two-shard index.
    engine = EmbeddedIndex(None, shards=int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    engine.upsert(load_corpus())
    print(evaluate(engine, load_queries()).report())

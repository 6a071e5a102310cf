"""Relevance evaluation: nDCG@10, recall@10 and zero-result rate over the graded query set.

Run directly to print the metrics for the embedded engine:
    .venv/bin/python -m tests.search.relevance.evaluate
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
class Metrics:
    ndcg10: float
    recall10: float
    zero_rate: float
    per_query: list[tuple[str, float, float, list[str]]]

    def report(self) -> str:
        lines = [f"queries={len(self.per_query)} nDCG@10={self.ndcg10:.3f} recall@10={self.recall10:.3f} "
                 f"zero-result rate={self.zero_rate:.3f}"]
        worst = sorted(self.per_query, key=lambda r: r[1])[:8]
        lines += [f"  low: {q!r} nDCG={n:.2f} recall={r:.2f} top={top[:3]}" for q, n, r, top in worst]
        return "\n".join(lines)


def top_ids(index: SearchIndex, q: str, k: int = 10) -> list[str]:
    result = index.search(SearchQuery(q=q, visibility=Visibility.published_only(), limit=k, facets=False))
    return [h.id for h in result.hits]


def evaluate(index: SearchIndex, queries: list[Judged]) -> Metrics:
    rows = []
    for judged in queries:
        top = top_ids(index, judged.q)
        ideal = dcg(sorted(judged.rel.values(), reverse=True)[:10])
        ndcg = dcg([judged.rel.get(i, 0) for i in top]) / ideal if ideal else 0.0
        recall = len(set(top) & set(judged.rel)) / min(len(judged.rel), 10)
        rows.append((judged.q, ndcg, recall, top))
    n = len(rows)
    return Metrics(sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n,
                   sum(1 for r in rows if not r[3]) / n, rows)


if __name__ == "__main__":
    import sys

    from search.embedded import EmbeddedIndex

    # `python -m tests.search.relevance.evaluate 2`: the same set on a two-shard index.
    engine = EmbeddedIndex(None, shards=int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    engine.upsert(load_corpus())
    print(evaluate(engine, load_queries()).report())

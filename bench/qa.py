"""Q&A benchmark: a 200-item set is imported from every input format and exported to every format.

Run from the repository root:  .venv/bin/python bench/qa.py
Prints seconds per step and each step as a ratio of the JSON export measured in the same run (the
baseline: the cheapest possible export of the same data). Target: the whole run under 30 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.transcoding.qa.builders import DOCX, XLSX, write_markdown  # noqa: E402
from tests.transcoding.qa.samples import LONG_ANSWER, rich_answer  # noqa: E402
from transcoding.qa import EXPORT_FORMATS, QaItem, QaSet, RichText, export_qa, parse_qa  # noqa: E402
from transcoding.qa.exporters_docx import write_docx  # noqa: E402
from transcoding.qa.exporters_table import write_csv, write_json, write_xlsx  # noqa: E402

ITEMS = 200


def build_set() -> QaSet:
    items = []
    for n in range(ITEMS):
        kind = n % 4
        if kind == 0:
            items.append(
                QaItem(
                    f"Câu trắc nghiệm số {n}: theo Nghị quyết 71, mục tiêu nào được ưu tiên?",
                    RichText.from_plain("Giải thích: phổ cập giáo dục mầm non cho trẻ từ 3 đến 5 tuổi."),
                    ("Phổ cập mầm non", "Tăng học phí", "Giảm giờ học", "Cả ba đều sai"),
                    n % 3,
                    f"Nghị quyết 71-NQ/TW, mục II.{n % 7}",
                )
            )
        elif kind == 1:
            items.append(QaItem(f"Những định hướng chính (lần {n}) là gì?", rich_answer(), source="NQ71"))
        elif kind == 2:
            items.append(QaItem(f"Giải thích đầy đủ ý nghĩa {n}?", RichText.from_plain(LONG_ANSWER)))
        else:
            items.append(QaItem(f"Câu ngắn {n}?", RichText.from_plain("Đúng, theo quy định hiện hành.")))
    return QaSet("Bộ 200 câu hỏi - đáp về Nghị quyết 71-NQ/TW", "Sở Giáo dục và Đào tạo Hà Nội", tuple(items))


def timed(label: str, timings: dict[str, float], action: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = action()
    timings[label] = time.perf_counter() - start
    return result


def main() -> None:
    qa = build_set()
    timings: dict[str, float] = {}
    inputs: dict[str, tuple[str, str, Callable[[QaSet, Path], None]]] = {
        "json": ("in.json", "application/json", write_json),
        "csv": ("in.csv", "text/csv", write_csv),
        "xlsx": ("in.xlsx", XLSX, write_xlsx),
        "docx": ("in.docx", DOCX, write_docx),
        "markdown": ("in.md", "text/markdown", write_markdown),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for filename, _, writer in inputs.values():
            writer(qa, folder / filename)  # preparing inputs is not timed
        run_start = time.perf_counter()
        for name, (filename, media_type, _) in inputs.items():
            path = folder / filename
            report = timed(f"import {name}", timings, lambda p=path, m=media_type: parse_qa(p, m))
            assert report.qa_set.items == qa.items, name  # type: ignore[attr-defined]
        outputs = 0
        for fmt in EXPORT_FORMATS:
            made = timed(f"export {fmt}", timings, lambda f=fmt: export_qa(qa, folder / "out", [f]))
            outputs += len(made)  # type: ignore[arg-type]
        total = time.perf_counter() - run_start
    baseline = timings["export qa-json"]
    print(f"Q&A bench: {ITEMS} items, {outputs} files, baseline = export qa-json {baseline * 1000:.1f} ms")
    for label, seconds in timings.items():
        print(f"  {label:<22} {seconds:7.3f} s   {seconds / baseline:8.1f}× baseline")
    verdict = "OK" if total < 30 else "OVER TARGET"
    print(f"  {'total':<22} {total:7.3f} s   (target < 30 s: {verdict})")


if __name__ == "__main__":
    main()

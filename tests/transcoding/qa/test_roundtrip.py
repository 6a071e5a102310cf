"""Import each format → export each format → re-import the lossless exports gives the same items."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transcoding.qa.builders import DOCX, XLSX, write_markdown
from transcoding.qa import EXPORT_FORMATS, QaSet, export_qa, parse_qa
from transcoding.qa.exporters_docx import write_docx
from transcoding.qa.exporters_table import write_csv, write_json, write_xlsx

SOURCES = {
    "json": ("in.json", "application/json", write_json),
    "csv": ("in.csv", "text/csv", write_csv),
    "xlsx": ("in.xlsx", XLSX, write_xlsx),
    "docx": ("in.docx", DOCX, write_docx),
    "markdown": ("in.md", "text/markdown", write_markdown),
}
REIMPORT = {"qa.json": "application/json", "qa.xlsx": XLSX, "qa.csv": "text/csv", "qa.docx": DOCX}


@pytest.mark.parametrize("fmt", list(SOURCES))
def test_import_export_reimport(fmt: str, qa: QaSet, tmp_path: Path) -> None:
    name, media_type, writer = SOURCES[fmt]
    writer(qa, tmp_path / name)
    report = parse_qa(tmp_path / name, media_type)
    assert report.format == fmt
    assert report.qa_set.items == qa.items
    if fmt != "csv":
        assert (report.qa_set.title, report.qa_set.organisation) == (qa.title, qa.organisation)
    assert [r.index for r in report.items] == list(range(1, len(qa.items) + 1))

    progress: list[float] = []
    outputs = export_qa(report.qa_set, tmp_path / "out", progress=progress.append)
    assert {o.profile for o in outputs} == set(EXPORT_FORMATS)
    assert progress == sorted(progress) and progress[-1] == pytest.approx(1.0)
    for output in outputs:
        assert output.path.is_file() and output.path.stat().st_size > 0

    for exported, exported_type in REIMPORT.items():
        again = parse_qa(tmp_path / "out" / exported, exported_type)
        assert again.qa_set.items == qa.items, exported
        if exported != "qa.csv":  # CSV has no place for the title
            assert again.qa_set.title == report.qa_set.title
            assert again.qa_set.organisation == report.qa_set.organisation


def test_report_describes_each_item(qa: QaSet, tmp_path: Path) -> None:
    write_json(qa, tmp_path / "qa.json")
    report = parse_qa(tmp_path / "qa.json", "application/json").to_dict()
    third = report["items"][2]
    assert third["has_choices"] and third["correct"] == "A" and third["has_source"]
    assert third["question"].startswith("Mục tiêu đến năm 2030")
    assert report["count"] == len(qa.items)


def test_selected_formats_and_unknown_format(qa: QaSet, tmp_path: Path) -> None:
    outputs = export_qa(qa, tmp_path, ["qa-json", "qa-pdf"])
    assert [(o.profile, o.variant) for o in outputs] == [
        ("qa-json", "json"),
        ("qa-pdf", "a4"),
        ("qa-pdf", "a5"),
    ]
    with pytest.raises(ValueError):
        export_qa(qa, tmp_path, ["qa-pptx"])


def test_gift_exported_for_a_set_without_quiz_items(tmp_path: Path) -> None:
    from transcoding.qa import QaItem, RichText

    plain = QaSet("Không trắc nghiệm", "", (QaItem("Hỏi?", RichText.from_plain("Đáp.")),))
    (gift,) = export_qa(plain, tmp_path, ["qa-gift"])
    assert gift.profile == "qa-gift" and "::Câu 1::" in gift.path.read_text(encoding="utf-8")

"""Real-world shaped inputs: Word documents, spreadsheets, CSV and Markdown written the way people do."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.transcoding.qa.builders import DOCX, XLSX
from transcoding.qa import parse_qa
from transcoding.qa.richtext import ListBlock


def _docx(path: Path, paragraphs: list[tuple[str, str | None, bool]]) -> Path:
    """(text, style, whole paragraph bold)."""
    document = docx.Document()
    for text, style, bold in paragraphs:
        paragraph = document.add_paragraph(style=style)
        paragraph.add_run(text).bold = bold or None
    document.save(str(path))
    return path


def test_docx_cau_hoi_markers_with_choices(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "markers.docx",
        [
            ("Bộ câu hỏi tìm hiểu Nghị quyết 71", "Title", False),
            ("Đơn vị: Trường THPT Chu Văn An", None, False),
            ("Câu 1: Nghị quyết 71 do cơ quan nào ban hành?", None, False),
            ("A. Quốc hội", None, False),
            ("B) Bộ Chính trị", None, False),
            ("C. Chính phủ", None, False),
            ("Đáp án: B", None, False),
            ("Câu hỏi 2. Nêu các nhóm giải pháp?", None, False),
            ("Trả lời: Có tám nhóm giải pháp lớn.", None, False),
            ("Nâng cao nhận thức", "List Bullet", False),
            ("Đổi mới thể chế", "List Bullet", False),
            ("Nguồn: Nghị quyết 71-NQ/TW, mục III", None, False),
            ("Hỏi: Khi nào thực hiện?", None, False),
            ("Đáp: Ngay từ năm học 2025-2026.", None, False),
        ],
    )
    report = parse_qa(path, DOCX)
    qa = report.qa_set
    assert qa.title == "Bộ câu hỏi tìm hiểu Nghị quyết 71"
    assert qa.organisation == "Trường THPT Chu Văn An"
    assert [i.question for i in qa.items] == [
        "Nghị quyết 71 do cơ quan nào ban hành?",
        "Nêu các nhóm giải pháp?",
        "Khi nào thực hiện?",
    ]
    first, second, third = qa.items
    assert first.choices == ("Quốc hội", "Bộ Chính trị", "Chính phủ") and first.correct == 1
    assert (
        second.answer.to_plain_text() == "Có tám nhóm giải pháp lớn.\n- Nâng cao nhận thức\n- Đổi mới thể chế"
    )
    assert isinstance(second.answer.blocks[1], ListBlock)
    assert second.source == "Nghị quyết 71-NQ/TW, mục III"
    assert third.answer.to_plain_text() == "Ngay từ năm học 2025-2026."
    assert report.items[0].has_choices and report.items[0].correct == "B"
    assert report.items[1].location.startswith("đoạn 8 / paragraph 8")


def test_docx_bold_numbered_questions(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "bold.docx",
        [
            ("1. Giáo dục là quốc sách hàng đầu?", None, True),
            ("Đúng. Đây là quan điểm xuyên suốt.", None, False),
            ("Đoạn giải thích thứ hai.", None, False),
            ("2. Ai là chủ thể?", None, True),
            ("Nhà giáo và người học.", None, False),
        ],
    )
    items = parse_qa(path, DOCX).qa_set.items
    assert [i.question for i in items] == ["Giáo dục là quốc sách hàng đầu?", "Ai là chủ thể?"]
    assert items[0].answer.to_plain_text() == "Đúng. Đây là quan điểm xuyên suốt.\nĐoạn giải thích thứ hai."


def test_docx_numbered_questions_without_bold(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "numbered.docx",
        [
            ("1. Vì sao cần chuyển đổi số?", None, False),
            ("Để nâng cao chất lượng.", None, False),
            ("2) Bắt đầu từ đâu?", None, False),
            ("Từ dữ liệu.", None, False),
        ],
    )
    items = parse_qa(path, DOCX).qa_set.items
    assert [(i.question, i.answer.to_plain_text()) for i in items] == [
        ("Vì sao cần chuyển đổi số?", "Để nâng cao chất lượng."),
        ("Bắt đầu từ đâu?", "Từ dữ liệu."),
    ]


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_vietnamese_headers(tmp_path: Path, bom: bool, delimiter: str) -> None:
    rows = [
        ["STT", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Đáp án đúng", "Giải thích", "Nguồn"],
        ["1", "Thủ đô?", "Huế", "Hà Nội", "Đà Nẵng", "b", "Hà Nội là thủ đô.", "SGK"],
        ["", "", "", "", "", "", "", ""],
        ["2", "Tự luận; có dấu chấm phẩy?", "", "", "", "", "Dòng 1\nDòng 2", ""],
    ]
    text = "\n".join(delimiter.join(f'"{c}"' for c in row) for row in rows)
    path = tmp_path / "in.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + unicodedata.normalize("NFD", text).encode())
    report = parse_qa(path, "text/csv", title="Bộ CSV")
    first, second = report.qa_set.items
    assert report.qa_set.title == "Bộ CSV"
    assert (
        first.question == "Thủ đô?" and first.choices == ("Huế", "Hà Nội", "Đà Nẵng") and first.correct == 1
    )
    assert first.answer.to_plain_text() == "Hà Nội là thủ đô." and first.source == "SGK"
    assert second.question == "Tự luận; có dấu chấm phẩy?" and not second.choices
    assert second.answer.to_plain_text() == "Dòng 1\nDòng 2"
    assert unicodedata.is_normalized("NFC", first.choices[2])
    assert report.items[1].location == "dòng 4 / row 4"


def test_csv_english_headers_and_letter_in_answer_column(tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text("Question,A,B,Answer,Source\nPick one,x,y,B,Ref 1\nWhy?,,,Because.,\n", encoding="utf-8")
    first, second = parse_qa(path, "text/csv").qa_set.items
    assert first.correct == 1 and first.answer.is_empty() and first.source == "Ref 1"
    assert second.answer.to_plain_text() == "Because."


def test_xlsx_from_a_person(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["TT", "Nội dung câu hỏi", "Câu trả lời", "Căn cứ", "Ghi chú"])
    sheet.append([1, "Học sinh được gì?", "Được học tập **toàn diện**.", "Luật Giáo dục, Điều 83", "x"])
    sheet.append([2, "Số 2025?", 2025, None, None])
    workbook.save(tmp_path / "in.xlsx")
    report = parse_qa(tmp_path / "in.xlsx", XLSX)
    first, second = report.qa_set.items
    assert first.answer.blocks[0].spans[1].bold  # type: ignore[union-attr]
    assert first.source == "Luật Giáo dục, Điều 83"
    assert second.answer.to_plain_text() == "2025"
    assert any("Ghi chú" in w for w in report.warnings)


def test_markdown_heading_and_hoi_dap(tmp_path: Path) -> None:
    path = tmp_path / "in.md"
    path.write_text(
        "# Hỏi đáp Ngày Nhà giáo\n\n## Câu 1\n**Hỏi:** Ngày 20/11 là ngày gì?\n\n"
        "**Đáp:** Ngày Nhà giáo Việt Nam.\n"
        "- Tôn vinh *nhà giáo*\n- Xem [trang Bộ](https://moet.gov.vn)\n\n## Câu 2. Có từ năm nào?\n\n1982.\n",
        encoding="utf-8",
    )
    report = parse_qa(path, "text/markdown")
    first, second = report.qa_set.items
    assert report.qa_set.title == "Hỏi đáp Ngày Nhà giáo"
    assert first.question == "Ngày 20/11 là ngày gì?"
    assert first.answer.to_html() == (
        "<p>Ngày Nhà giáo Việt Nam.</p><ul><li>Tôn vinh <em>nhà giáo</em></li>"
        '<li>Xem <a href="https://moet.gov.vn">trang Bộ</a></li></ul>'
    )
    assert (second.question, second.answer.to_plain_text()) == ("Có từ năm nào?", "1982.")


def test_json_bare_list_with_numeric_correct(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text('[{"question": "Q?", "choices": ["a", "b"], "correct": 2, "answer": "<p>x</p>"}]')
    (item,) = parse_qa(path, "application/octet-stream").qa_set.items
    assert item.correct == 1 and item.answer.to_plain_text() == "x"

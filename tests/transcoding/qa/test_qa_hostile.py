"""Hostile and broken inputs fail with a QaImportError that names the place, never anything worse."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.transcoding.qa.builders import DOCX, XLSX
from transcoding.qa import (
    QaImportError,
    QaItem,
    QaSet,
    RichText,
    ZipLimitError,
    ZipLimits,
    check_zip,
    parse_qa,
)
from transcoding.qa.exporters_docx import write_docx
from transcoding.qa.exporters_table import write_xlsx
from transcoding.qa.exporters_web import render_html


def _rewrite(source: Path, target: Path, part: str, transform: object) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = transform(data)  # type: ignore[operator]
            zout.writestr(info, data)
    return target


@pytest.fixture
def small_docx(tmp_path: Path) -> Path:
    qa = QaSet("T", "", (QaItem("Hỏi?", RichText.from_plain("Đáp.")),))
    write_docx(qa, tmp_path / "ok.docx")
    return tmp_path / "ok.docx"


def test_zip_bomb_docx_is_rejected_before_parsing(small_docx: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(small_docx) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("word/media/padding.bin", b"\0" * (30 * 1024 * 1024))  # ~30 KB compressed
    with pytest.raises(QaImportError) as caught:
        parse_qa(bomb, DOCX)
    assert caught.value.code == "qa_zip_limits" and "ratio" in caught.value.message_en
    assert caught.value.location == "ZIP"
    assert caught.value.permanent


def test_zip_limits_entries_and_total(small_docx: Path) -> None:
    with pytest.raises(ZipLimitError, match="entries"):
        check_zip(small_docx, ZipLimits(max_entries=3))
    with pytest.raises(ZipLimitError, match="uncompressed bytes"):
        check_zip(small_docx, ZipLimits(max_total_bytes=1000, max_entry_bytes=10**9))
    with pytest.raises(QaImportError):
        parse_qa(small_docx, DOCX, zip_limits=ZipLimits(max_entries=3))


def test_zip_with_parent_path_entry(tmp_path: Path) -> None:
    path = tmp_path / "evil.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../etc/passwd", b"x")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, DOCX)
    assert "unsafe entry name" in caught.value.message_en


def test_docx_external_entity_is_rejected(small_docx: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT")

    def inject(data: bytes) -> bytes:
        head, body = data.split(b"?>", 1)
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
        return head + b"?>" + doctype + body.replace(b"H\xe1\xbb\x8fi?", b"&xxe;")

    evil = _rewrite(small_docx, tmp_path / "xxe.docx", "word/document.xml", inject)
    with pytest.raises(QaImportError) as caught:
        parse_qa(evil, DOCX)
    assert caught.value.code == "qa_xml_forbidden"
    assert "word/document.xml" in caught.value.message_en


def test_xlsx_billion_laughs_is_rejected(tmp_path: Path) -> None:
    write_xlsx(QaSet("T", "", (QaItem("Q?", RichText.from_plain("A")),)), tmp_path / "ok.xlsx")

    def laughs(data: bytes) -> bytes:
        head, _, body = data.rpartition(b"?>")
        declaration = head + b"?>" if head else b""
        return declaration + b'<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]>' + body

    evil = _rewrite(tmp_path / "ok.xlsx", tmp_path / "laugh.xlsx", "xl/worksheets/sheet1.xml", laughs)
    with pytest.raises(QaImportError) as caught:
        parse_qa(evil, XLSX)
    assert caught.value.code == "qa_xml_forbidden"


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"%PDF-1.4 not a docx")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, DOCX)
    assert caught.value.code == "qa_corrupt"


def test_csv_without_answer_column_names_the_header_row(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("STT;Câu hỏi;Nguồn\n1;Hỏi gì?;NQ71\n", encoding="utf-8")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "text/csv")
    assert caught.value.location == "dòng 1 / row 1"
    assert "trả lời" in caught.value.message_vi.lower()
    problem = caught.value.to_problem()
    assert problem["code"] == "qa_no_answer_column" and "dòng 1" in problem["detail"]


def test_csv_row_with_missing_answer_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("Câu hỏi,Trả lời\nMột?,Có\nHai?,Có\nBa?\nBốn?,Có\n", encoding="utf-8")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "text/csv")
    assert caught.value.location == "dòng 4 / row 4"
    assert "Ba?" in caught.value.message_vi


def test_csv_answer_without_question_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("Question,Answer\nOne?,Yes\n,Orphan answer\n", encoding="utf-8")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "text/csv")
    assert caught.value.location == "dòng 3 / row 3"


def test_csv_correct_letter_out_of_range(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("Câu hỏi,A,B,Đáp án đúng\nChọn?,x,y,D\n", encoding="utf-8")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "text/csv")
    assert caught.value.location == "dòng 2 / row 2" and caught.value.code == "qa_bad_correct"


def test_csv_in_legacy_encoding(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes("Câu hỏi,Trả lời\n".encode() + b"Caf\xe9?,Oui\n")  # Latin-1 byte on line 2
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "text/csv")
    assert caught.value.code == "qa_encoding" and caught.value.location == "dòng 2 / row 2"


def test_csv_formula_injection_is_neutralised_and_round_trips(tmp_path: Path) -> None:
    from transcoding.qa.exporters_table import write_csv

    item = QaItem('=HYPERLINK("http://x")', RichText.from_plain("@SUM(A1)\n+1"), source="-2")
    write_csv(QaSet("T", "", (item,)), tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",'-2" in text
    assert parse_qa(tmp_path / "out.csv", "text/csv").qa_set.items == (item,)


def test_json_errors_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text('{"items": [{"question": "a", "answer": "b"}, {"question": 5}]}')
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "application/json")
    assert caught.value.location == "items[1].question"
    path.write_text('{"items": [')
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "application/json")
    assert caught.value.code == "qa_bad_json" and caught.value.location == "dòng 1 / line 1"


def test_unsupported_media_type(tmp_path: Path) -> None:
    path = tmp_path / "x.pptx"
    path.write_bytes(b"x")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "application/vnd.ms-powerpoint")
    assert caught.value.code == "qa_unsupported_type"


def test_html_is_sanitised_and_escaped() -> None:
    answer = RichText.from_html(
        '<p onclick="x()">Chào<script>alert(1)</script> <a href="javascript:alert(1)">bấm</a>'
        "<img src=x onerror=alert(1)></p><style>p{}</style>"
    )
    assert answer.to_html() == "<p>Chào bấm</p>"
    page = render_html(QaSet("<b>Tiêu đề</b>", "", (QaItem("<script>x</script>?", answer),)))
    assert "<script" not in page and "&lt;script&gt;x&lt;/script&gt;?" in page
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt;" in page


def test_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("# Chỉ có tiêu đề\n\nVà một đoạn.\n", encoding="utf-8")
    with pytest.raises(QaImportError) as caught:
        parse_qa(path, "text/markdown")
    assert caught.value.code == "qa_no_items"

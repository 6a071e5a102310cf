"""`validate_upload` / `validate_stored_original`: an unreadable Q&A file is a 422 problem naming the
first bad row or paragraph (called directly here; the API path is in test_qa_api_import.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from service.assets.qa_file import read_upload, validate_stored_original, validate_upload
from service.core.errors import KhoError
from tests.service.qa.helpers import csv_bytes, csv_rows, docx_bytes
from transcoding.qa.exporters_table import write_xlsx
from transcoding.qa.model import QaSet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def refused(source: Path | bytes, media_type: str, **kw: str) -> dict:
    with pytest.raises(KhoError) as info:
        validate_upload(source, media_type, **kw)
    err = info.value
    assert err.status == 422 and err.code == "qa_import_failed"
    problem = err.to_problem("/api/v1/assets")
    assert problem["code"] == "qa_import_failed" and problem["status"] == 422
    assert problem["detail"] != problem["detail_en"]
    return problem


def test_good_files_pass() -> None:
    rows = csv_rows(4)
    validate_upload(csv_bytes(rows), "text/csv")
    report = read_upload(csv_bytes(rows), "text/csv")
    assert len(report.qa_set.items) == 4 and report.format == "csv"
    assert report.qa_set.items[0].correct_letter == "A"
    validate_upload(docx_bytes("ok"), DOCX)


def test_csv_bad_correct_choice_names_the_row() -> None:
    rows = csv_rows(5)
    rows[3][5] = "E"  # the third item (line 4 of the file) marks a choice that does not exist
    problem = refused(csv_bytes(rows), "text/csv")
    assert problem["location"] == "dòng 4 / row 4"
    assert problem["import_code"] == "qa_bad_correct"
    assert "dòng 4" in problem["detail"] and "row 4" in problem["detail_en"]
    assert problem["message_vi"] and problem["message_en"]


def test_csv_without_question_column_names_the_header_row() -> None:
    problem = refused("Tiêu đề,Ghi chú\nmột,hai\nba,bốn\n".encode(), "text/csv")
    assert problem["import_code"] == "qa_no_question_column" and problem["location"] == "dòng 1 / row 1"


def test_csv_missing_answer_names_the_row() -> None:
    rows = csv_rows(3)
    rows.append(["Câu hỏi không có trả lời?", "", "", "", "", "", "", ""])
    problem = refused(csv_bytes(rows), "text/csv")
    assert problem["import_code"] == "qa_missing_answer" and problem["location"] == "dòng 5 / row 5"


def test_not_utf8_names_the_line() -> None:
    data = csv_bytes(csv_rows(3)) + "Câu hỏi lỗi mã?,x,y,,,A,,\n".encode("cp1258", "replace")
    data += b"\xff\xfe\xfa\n"
    problem = refused(data, "text/csv")
    assert problem["import_code"] == "qa_encoding" and problem["location"].startswith("dòng 5")


def test_generic_type_uses_the_file_name() -> None:
    validate_upload(csv_bytes(csv_rows(2)), "text/plain", filename="cau-hoi.csv")
    problem = refused(b"just some words\nand more\n", "text/plain", filename="notes.txt")
    assert problem["import_code"] == "qa_unsupported_type"


def test_docx_without_questions_and_hostile_docx() -> None:
    problem = refused(_docx_paragraphs(["Chỉ là một đoạn văn.", "Không có câu hỏi nào."]), DOCX)
    assert problem["import_code"] == "qa_no_items"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<!DOCTYPE x [<!ENTITY a 'b'>]><w:document/>")
    problem = refused(bomb.getvalue(), DOCX)
    assert problem["import_code"] in ("qa_xml_forbidden", "qa_corrupt") and problem["location"] == "ZIP"


def test_path_input_and_xlsx(tmp_path: Path) -> None:
    from tests.transcoding.qa.samples import sample_set

    qa: QaSet = sample_set()
    path = tmp_path / "bo.xlsx"
    write_xlsx(qa, path)
    validate_upload(path, XLSX)
    assert read_upload(path, XLSX).qa_set.items == qa.items


def test_stored_original_is_read_like_the_job_reads_it(stack: object) -> None:  # noqa: ARG001
    from service.core.runtime import get_store

    store = get_store()
    good = "originals/qa-test/good.csv"
    bad = "originals/qa-test/bad.csv"
    rows = csv_rows(3)
    store.put(good, io.BytesIO(csv_bytes(rows)), content_type="text/csv")
    rows[2][0] = ""  # content but no question
    store.put(bad, io.BytesIO(csv_bytes(rows)), content_type="text/csv")
    # A CSV whose cells span lines sniffs as text/plain and is stored as .txt: read like the job reads it
    # (refused today), or by the uploaded name once the job does the same.
    multiline = "originals/qa-test/multiline.txt"
    store.put(multiline, io.BytesIO("Câu hỏi,Trả lời\n\"Câu 1?\",\"Một\nHai\"\n".encode()),
              content_type="text/plain")
    try:
        with pytest.raises(KhoError) as info:
            validate_stored_original(store, multiline, "text/plain")
        assert info.value.extra["import_code"] == "qa_unsupported_type"
        validate_stored_original(store, multiline, "text/plain", filename="bo-cau-hoi.csv")
        validate_stored_original(store, good, "text/csv")
        with pytest.raises(KhoError) as info:
            validate_stored_original(store, bad, "text/csv")
        assert info.value.extra["location"] == "dòng 3 / row 3"
        assert info.value.extra["import_code"] == "qa_missing_question"
    finally:
        for key in (good, bad, multiline):
            store.delete(key)


def _docx_paragraphs(texts: list[str]) -> bytes:
    from docx import Document

    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

"""The import manifest: one row per file, CSV (UTF-8, `,` or `;`) or XLSX, English or Vietnamese headers."""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.core.errors import KhoError
from transcoding.qa.ziplimits import ZipLimitError, ZipLimits, check_xml_parts

MAX_MANIFEST_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
LIST_FIELDS = ("topics", "audiences", "levels", "channels", "tags")
ALIASES: dict[str, str] = {
    "file": "file", "filename": "file", "tệp": "file", "tên tệp": "file",
    "kind": "kind", "loại": "kind", "title": "title", "tiêu đề": "title", "summary": "summary",
    "tóm tắt": "summary", "topics": "topics", "chủ đề": "topics", "audiences": "audiences",
    "đối tượng": "audiences", "levels": "levels", "cấp học": "levels", "channels": "channels",
    "kênh": "channels", "tags": "tags", "từ khóa": "tags", "từ khoá": "tags", "credit": "credit",
    "tác giả": "credit", "copyright": "copyright_notice", "copyright notice": "copyright_notice",
    "bản quyền": "copyright_notice", "licence": "licence", "license": "licence", "giấy phép": "licence",
    "usage terms": "usage_terms", "điều khoản sử dụng": "usage_terms", "language": "language",
    "ngôn ngữ": "language", "alt text": "alt_text", "mô tả ảnh": "alt_text", "publish at": "publish_at",
    "ngày phát hành": "publish_at", "expires at": "expires_at", "ngày hết hạn": "expires_at",
    "urgent": "urgent", "khẩn": "urgent",
}


@dataclass(frozen=True)
class ManifestRow:
    number: int  # 2 = the first row under the header, as a spreadsheet shows it
    file: str
    fields: dict[str, Any]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _header(name: str) -> str:
    key = " ".join(_nfc(name).casefold().replace("_", " ").split())
    if key not in ALIASES:
        raise KhoError("import_bad_manifest", status=422, reason=f"unknown column '{name[:60]}'")
    return ALIASES[key]


def _value(field: str, raw: Any) -> Any:
    text = _nfc(str(raw)) if raw is not None else ""
    if field in LIST_FIELDS:
        parts = text.replace("|", ";").replace(",", ";").split(";")
        return [p.strip() for p in parts if p.strip()]
    if field == "urgent":
        return text.casefold() in ("1", "true", "yes", "có", "x")
    return text or None


def parse(name: str, data: bytes) -> list[ManifestRow]:
    table = _xlsx_rows(data) if name.lower().endswith(".xlsx") else _csv_rows(data)
    if not table:
        raise KhoError("import_bad_manifest", status=422, reason="the manifest is empty")
    columns = [_header(str(c or "")) for c in table[0]]
    if "file" not in columns or "kind" not in columns or "title" not in columns:
        raise KhoError("import_bad_manifest", status=422, reason="columns file, kind and title are required")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(c or "").strip() for c in cells):
            continue
        fields = {col: _value(col, cell) for col, cell in zip(columns, cells, strict=False)}
        fields = {k: v for k, v in fields.items() if v not in (None, [])}
        rows.append(ManifestRow(number, str(fields.pop("file", "") or ""), fields))
    if len(rows) > MAX_ROWS:
        raise KhoError("import_bad_manifest", status=422, reason=f"more than {MAX_ROWS} rows")
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KhoError("import_bad_manifest", status=422, reason="the CSV must be UTF-8") from None
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")  # type: ignore[assignment]
    except csv.Error:
        pass
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    import openpyxl  # loaded on the first XLSX manifest, not at start-up

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            # Checked before openpyxl sees it: limits, and no DTD/entities in any XML part.
            check_xml_parts(Path(tmp.name), ZipLimits(max_entries=500, max_total_bytes=50 * 1024 * 1024))
            book = openpyxl.load_workbook(tmp.name, read_only=True, data_only=True)
        except ZipLimitError as exc:
            raise KhoError("import_bad_manifest", status=422, reason=exc.detail[:200]) from exc
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken workbooks
            raise KhoError("import_bad_manifest", status=422, reason=type(exc).__name__) from exc
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
        book.close()
    return rows

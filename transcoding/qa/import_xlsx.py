"""XLSX Q&A workbooks: the first sheet (or one named "Câu hỏi") holds the items; a sheet "Thông tin"
with key/value rows may give the title and organisation (that is what exporters_table.py writes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl

from transcoding.qa.assemble import assemble
from transcoding.qa.import_table import table_items
from transcoding.qa.report import ImportReport, QaImportError
from transcoding.qa.text import fold

ITEMS_SHEET = "Câu hỏi"
INFO_SHEET = "Thông tin"
MAX_ROWS = 20_000


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(sheet: Any) -> Iterator[list[str]]:
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if number > MAX_ROWS:
            break
        yield [_cell_text(v) for v in row]


def _info(workbook: Any) -> dict[str, str]:
    if INFO_SHEET not in workbook.sheetnames:
        return {}
    info: dict[str, str] = {}
    for row in _rows(workbook[INFO_SHEET]):
        if len(row) >= 2 and row[0]:
            info[fold(row[0])] = row[1]
    return info


def parse_xlsx(path: Path, title_default: str) -> ImportReport:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken package
        raise QaImportError.of("corrupt", None, detail=type(exc).__name__) from exc
    try:
        name = ITEMS_SHEET if ITEMS_SHEET in workbook.sheetnames else workbook.sheetnames[0]
        parsed, warnings = table_items(_rows(workbook[name]))
        info = _info(workbook)
    finally:
        workbook.close()
    title = info.get("tieu de") or info.get("title") or title_default
    organisation = info.get("don vi") or info.get("organisation") or ""
    return assemble(title, organisation, parsed, "xlsx", warnings)

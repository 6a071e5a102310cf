"""JSON, CSV and XLSX exports (the formats that import back losslessly)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from transcoding.qa.model import LETTERS, QaItem, QaSet

# Spreadsheet programs run a CSV cell starting with these as a formula (CSV injection); a leading
# apostrophe makes them text, and the CSV reader removes exactly that apostrophe again.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def protect_formula(cell: str) -> str:
    return "'" + cell if _FORMULA.match(cell) else cell


def unprotect_formula(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell) else cell


def header(qa: QaSet) -> list[str]:
    width = max((len(item.choices) for item in qa.items), default=0)
    columns = ["STT", "Câu hỏi", "Trả lời", *LETTERS[:width]]
    if width:
        columns.append("Đáp án đúng")
    return [*columns, "Nguồn"]


def row(number: int, item: QaItem, width: int) -> list[str]:
    choices = list(item.choices) + [""] * (width - len(item.choices))
    cells = [str(number), item.question, item.answer.to_markdown(), *choices]
    if width:
        cells.append(item.correct_letter or "")
    return [*cells, item.source or ""]


def write_json(qa: QaSet, path: Path) -> None:
    path.write_text(qa.to_json() + "\n", encoding="utf-8")


def write_csv(qa: QaSet, path: Path) -> None:
    width = max((len(item.choices) for item in qa.items), default=0)
    # BOM so that Excel opens the UTF-8 file with Vietnamese intact.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header(qa))
        for number, item in enumerate(qa.items, 1):
            writer.writerow([protect_formula(c) for c in row(number, item, width)])


def _cell(sheet: Any, value: str, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(qa: QaSet, path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Câu hỏi")
    columns = header(qa)
    widths = {"STT": 6, "Câu hỏi": 50, "Trả lời": 80, "Đáp án đúng": 12, "Nguồn": 30}
    for index, name in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = widths.get(name, 24)
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in columns])
    width = max((len(item.choices) for item in qa.items), default=0)
    for number, item in enumerate(qa.items, 1):
        sheet.append([_cell(sheet, value) for value in row(number, item, width)])
    info = workbook.create_sheet("Thông tin")
    for key, value in (("Tiêu đề", qa.title), ("Đơn vị", qa.organisation), ("Số câu", str(len(qa.items)))):
        info.append([_cell(info, key, bold=True), _cell(info, value)])
    workbook.save(path)

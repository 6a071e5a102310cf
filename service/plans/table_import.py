"""Reading a plan's task table (the appendix "Danh mục nhiệm vụ": STT, nhiệm vụ, đơn vị chủ trì, đơn vị phối
hợp, sản phẩm/kết quả, thời gian) from XLSX, CSV or DOCX into rows; pure, no database."""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date

from docx.opc.exceptions import OpcError
from openpyxl.utils.exceptions import InvalidFileException

from service.core.errors import KhoError
from service.plans.timing import parse_timing

MAX_ROWS = 2000
# Column → words its header starts with (folded: lower case, NFC, single spaces).
COLUMNS = {
    "stt": ("stt", "tt", "số tt"),
    "title": ("nhiệm vụ", "nội dung", "tên nhiệm vụ"),
    "lead": ("đơn vị chủ trì", "chủ trì", "cơ quan chủ trì"),
    "partners": ("đơn vị phối hợp", "phối hợp", "cơ quan phối hợp"),
    "product": ("sản phẩm", "kết quả"),
    "timing": ("thời gian", "thời hạn", "tiến độ"),
}
ROMAN_SECTION = re.compile(r"^(?:[IVXL]+|[A-Z])$")


@dataclass
class TaskRow:
    row: int
    position: str
    section: str
    title: str
    lead_unit: str
    partner_units: list[str]
    expected_product: str
    timing: str
    due_on: date | None
    recurrence: str | None
    problems: list[str] = field(default_factory=list)


def clean(cell: object) -> str:
    """Cell text without the HTML the appendix was pasted with (<b>, <ul><li>), NFC, single spaces."""
    text = "" if cell is None else str(cell)
    text = re.sub(r"<\s*(?:br|/li|/p)\s*/?>", "\n", text, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in unicodedata.normalize("NFC", text).splitlines()]
    return "\n".join(ln for ln in lines if ln)


def split_units(text: str) -> list[str]:
    """"- Báo GD&ĐT - Tạp chí Giáo dục" or one unit a line → ["Báo GD&ĐT", "Tạp chí Giáo dục"]."""
    parts = re.split(r"\n|(?:^|\s)[-–•;]\s+", text)
    return [p.strip(" -–•;,.") for p in parts if p.strip(" -–•;,.")]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", clean(text).lower())


def _header_map(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        folded = _fold(cell)
        for name, starts in COLUMNS.items():
            if name not in found and any(folded == s or folded.startswith(s + " ") or folded.startswith(s + ",")
                                         for s in starts):
                found[name] = i
                break
    return found if {"stt", "title", "timing"} <= found.keys() else None


def rows_from_table(raw: list[list[str]], plan_year: int | None) -> list[TaskRow]:
    header: dict[str, int] | None = None
    section, section_no, out = "", "", []
    for number, cells in enumerate(raw, start=1):
        if header is None:
            header = _header_map(cells)
            continue
        def get(name: str, cells: list[str] = cells, header: dict[str, int] = header) -> str:
            i = header.get(name)
            return clean(cells[i]) if i is not None and i < len(cells) else ""

        stt, title = get("stt"), get("title")
        if not stt and not title:
            continue
        if ROMAN_SECTION.match(stt) and not get("timing"):
            section, section_no = title, stt
            continue
        timing_text = get("timing")
        parsed = parse_timing(timing_text, plan_year)
        problems = [] if parsed else [f"không hiểu thời gian '{timing_text}' / unknown timing"]
        if not title:
            problems.append("thiếu tên nhiệm vụ / task title missing")
        out.append(TaskRow(number, f"{section_no}.{stt}" if section_no else stt, section, title, get("lead"),
                           split_units(get("partners")), get("product"), timing_text,
                           parsed.due_on if parsed else None, parsed.recurrence if parsed else None, problems))
        if len(out) > MAX_ROWS:
            raise KhoError("plan_table_unreadable", status=422, reason=f"more than {MAX_ROWS} rows")
    if header is None:
        raise KhoError("plan_table_unreadable", status=422,
                       reason="no header row with STT, nhiệm vụ and thời gian / no header row found")
    return out


def read_table(content: bytes, filename: str) -> list[list[str]]:
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            return _xlsx(content)
        if name.endswith(".docx"):
            return _docx(content)
        if name.endswith((".csv", ".tsv", ".txt")):
            return _csv(content)
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError, csv.Error, OSError, InvalidFileException,
            OpcError) as exc:
        raise KhoError("plan_table_unreadable", status=422, reason=str(exc)[:200]) from exc
    raise KhoError("plan_table_unreadable", status=422, reason="XLSX, CSV or DOCX expected")


def _xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # loaded on the first XLSX plan table, not at start-up

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _docx(content: bytes) -> list[list[str]]:
    import docx  # python-docx loads on the first DOCX plan table, not at start-up

    document = docx.Document(io.BytesIO(content))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if any(_header_map(r) for r in rows[:5]):
            return rows
    return []


def _csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    dialect = "excel-tab" if text.split("\n", 1)[0].count("\t") >= 3 else "excel"
    return [list(r) for r in csv.reader(io.StringIO(text), dialect=dialect)]

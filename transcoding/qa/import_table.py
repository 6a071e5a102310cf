"""CSV and XLSX Q&A tables: one item per row, columns recognised by Vietnamese or English header names.

Answer cells are read with the small Markdown dialect (markdown.py), so plain text stays plain text and
the XLSX/CSV exports (which write Markdown) round-trip their bold/italic/lists/links.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from transcoding.qa.assemble import Parsed, assemble
from transcoding.qa.exporters_table import unprotect_formula
from transcoding.qa.messages import warning
from transcoding.qa.model import LETTERS, QaItem, QaModelError, parse_correct
from transcoding.qa.report import ImportReport, QaImportError, preview_of, row_location
from transcoding.qa.richtext import RichText
from transcoding.qa.text import clean, clean_line, fold

_HEADERS: dict[str, set[str]] = {
    "question": {"cau hoi", "cau", "hoi", "question", "questions", "q", "noi dung cau hoi"},
    "answer": {
        "tra loi",
        "cau tra loi",
        "noi dung tra loi",
        "dap",
        "dap an",
        "giai thich",
        "loi giai",
        "goi y tra loi",
        "answer",
        "answers",
        "a",
        "explanation",
        "noi dung dap an",
    },
    "correct": {
        "dap an dung",
        "phuong an dung",
        "lua chon dung",
        "dap an chon",
        "correct",
        "correct answer",
        "correct choice",
        "key",
        "answer key",
    },
    "source": {
        "nguon",
        "nguon tham khao",
        "can cu",
        "trich dan",
        "tai lieu",
        "van ban",
        "source",
        "reference",
    },
    "ignore": {"stt", "so thu tu", "tt", "no", "#", "id", "so"},
}
_CHOICE = re.compile(r"^(?:lua chon|phuong an|pa|dap an|choice|option)?\s*([a-h])$")


def _column_role(header: str) -> str | None:
    key = re.sub(r"[^a-z0-9# ]+", " ", fold(header)).strip()
    key = re.sub(r"\s+", " ", key)
    if key in ("a",):  # "A" alone is the first choice, not "answer"
        return "choice:A"
    for role, names in _HEADERS.items():
        if key in names:
            return role
    match = _CHOICE.match(key)
    return f"choice:{match.group(1).upper()}" if match else None


class _Columns:
    def __init__(self, header: Sequence[str]) -> None:
        self.roles: dict[str, int] = {}
        self.warnings: list[str] = []
        for index, name in enumerate(header):
            role = _column_role(name) if clean_line(name) else None
            if role is None:
                if clean_line(name):
                    self.warnings.append(warning("unknown_column", name=clean_line(name)))
            elif role != "ignore" and role not in self.roles:
                self.roles[role] = index
        self.choices = [self.roles[f"choice:{c}"] for c in LETTERS if f"choice:{c}" in self.roles]
        if "question" not in self.roles:
            raise QaImportError.of("no_question_column", row_location(1))
        if "answer" not in self.roles and not self.choices:
            raise QaImportError.of("no_answer_column", row_location(1))

    def cell(self, row: Sequence[str], role: str) -> str:
        index = self.roles.get(role)
        return row[index] if index is not None and index < len(row) else ""


def _row_item(columns: _Columns, row: Sequence[str], number: int) -> QaItem | None:
    if not any(clean_line(cell) for cell in row):
        return None
    choices = tuple(c for c in (clean_line(row[i]) if i < len(row) else "" for i in columns.choices) if c)
    answer_text = clean(columns.cell(row, "answer")).strip()
    correct_raw = columns.cell(row, "correct")
    # Many quiz sheets put the correct letter in the "Đáp án" column itself.
    if choices and not clean_line(correct_raw) and re.fullmatch(r"[A-Ha-h][.)]?", answer_text):
        correct_raw, answer_text = answer_text, ""
    try:
        correct = parse_correct(correct_raw, choices)
    except QaModelError as exc:
        question = preview_of(columns.cell(row, "question"))
        raise QaImportError.of("bad_correct", row_location(number), question=question, **exc.values) from exc
    return QaItem(
        question=columns.cell(row, "question"),
        answer=RichText.from_markdown(answer_text),
        choices=choices,
        correct=correct,
        source=columns.cell(row, "source") or None,
    )


def table_items(rows: Iterable[Sequence[str]]) -> tuple[list[Parsed], list[str]]:
    """Rows as strings, first non-empty row the header; row numbers as the user sees them (1-based)."""
    columns: _Columns | None = None
    parsed: list[Parsed] = []
    for number, row in enumerate(rows, 1):
        if columns is None:
            if any(clean_line(c) for c in row):
                columns = _Columns(row)
            continue
        item = _row_item(columns, row, number)
        if item is not None:
            parsed.append(Parsed(item, row_location(number)))
    return parsed, columns.warnings if columns else []


def _decode(raw: bytes) -> tuple[str, list[str]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), [warning("legacy_encoding")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise QaImportError.of("encoding", row_location(line), line=line) from exc


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv(path: Path, title_default: str) -> ImportReport:
    text, warnings = _decode(path.read_bytes())
    text = clean(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        parsed, column_warnings = table_items([unprotect_formula(c) for c in r] for r in reader)
    except csv.Error as exc:
        raise QaImportError.of("corrupt", row_location(reader.line_num), detail=str(exc)) from exc
    return assemble(title_default, "", parsed, "csv", warnings + column_warnings)

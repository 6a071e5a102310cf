"""A printable contest pack (bộ đề thi) for a Q&A set: for each of N variants a question sheet with no
answers and a separate answer key, questions and choices shuffled per variant. Shuffling is seeded by
the set title and the variant code, so re-processing prints the same papers. A choice that refers to
the others ("Cả A, B và C đều đúng", "Tất cả các đáp án trên") keeps its place: moved, it would lie."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.shared import Pt

from transcoding.qa.model import QaItem, QaSet, letter

VARIANTS = ("A", "B", "C", "D")
ANSWER_LINES = 5  # ruled lines under an open question
_REFERS_TO_OTHERS = re.compile(
    r"\b[A-H]\s*(,|và|hoặc|and|or)\s*[A-H]\b|\b(tất cả|cả hai|cả ba|các (đáp án|phương án|ý|câu) trên|"
    r"(đáp án|phương án|ý) (nào|trên)|all of|none of|both)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PaperItem:
    """One question as printed in a variant: its original number and the choices in printed order."""

    original: int
    item: QaItem
    order: tuple[int, ...]  # printed position → index in item.choices

    @property
    def correct_letter(self) -> str | None:
        return letter(self.order.index(self.item.correct)) if self.item.correct is not None else None


def _rng(qa: QaSet, variant: str) -> random.Random:
    seed = hashlib.sha256(f"{qa.title}\x00{variant}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def _choice_order(choices: tuple[str, ...], rng: random.Random) -> tuple[int, ...]:
    movable = [i for i, c in enumerate(choices) if not _REFERS_TO_OTHERS.search(c)]
    shuffled = movable[:]
    rng.shuffle(shuffled)
    it = iter(shuffled)
    return tuple(next(it) if i in movable else i for i in range(len(choices)))


def paper(qa: QaSet, variant: str) -> list[PaperItem]:
    rng = _rng(qa, variant)
    numbered = list(enumerate(qa.items, 1))
    rng.shuffle(numbered)
    return [PaperItem(n, item, _choice_order(item.choices, rng)) for n, item in numbered]


def _document(title: str, subject: str) -> docx.document.Document:
    document = docx.Document()
    document.styles["Normal"].font.name = "Noto Sans"
    document.styles["Normal"].font.size = Pt(12)
    document.core_properties.title = title
    document.core_properties.subject = subject
    document.core_properties.category = "kho-qa-contest"
    return document


def write_question_sheet(qa: QaSet, variant: str, path: Path) -> None:
    document = _document(f"{qa.title} — Đề {variant}", "Đề thi (không có đáp án)")
    document.add_heading(qa.title, level=1)
    document.add_paragraph(f"Mã đề: {variant}")
    document.add_paragraph("Họ và tên: ........................................   Lớp/Đơn vị: ....................")
    for number, p in enumerate(paper(qa, variant), 1):
        document.add_paragraph().add_run(f"Câu {number}. {p.item.question}").bold = True
        for shown, index in enumerate(p.order):
            document.add_paragraph(f"{letter(shown)}. {p.item.choices[index]}")
        if not p.item.choices:
            for _ in range(ANSWER_LINES):
                document.add_paragraph("." * 90)
    document.save(str(path))


def write_answer_key(qa: QaSet, variant: str, path: Path) -> None:
    document = _document(f"{qa.title} — Đáp án đề {variant}", "Đáp án và hướng dẫn chấm")
    document.add_heading(f"Đáp án — {qa.title}", level=1)
    document.add_paragraph(f"Mã đề: {variant}")
    rows = paper(qa, variant)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Câu", "Đáp án", "Câu gốc"), strict=True):
        cell.text = text
    for number, p in enumerate(rows, 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(number), p.correct_letter or "Tự luận", str(p.original)
    for number, p in enumerate(rows, 1):
        if p.item.correct is None and not p.item.answer.is_empty():
            document.add_paragraph().add_run(f"Câu {number} — gợi ý trả lời:").bold = True
            document.add_paragraph(p.item.answer.to_plain_text())
    document.save(str(path))


def write_contest(qa: QaSet, out_dir: Path) -> list[tuple[Path, str]]:
    """(file, variant name) for each sheet and key: de-A, dap-an-A, de-B, …"""
    written = []
    for variant in VARIANTS:
        sheet, key = out_dir / f"de-thi-{variant}.docx", out_dir / f"dap-an-{variant}.docx"
        write_question_sheet(qa, variant, sheet)
        write_answer_key(qa, variant, key)
        written += [(sheet, f"de-{variant}"), (key, f"dap-an-{variant}")]
    return written

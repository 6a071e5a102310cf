"""Printable PDF booklet (A4 or A5): cover page, numbered questions, choices, answers and sources,
with the Vietnamese font embedded (subset) so it prints the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.prefs import ViewerPreferences

from transcoding.fonts import font_path
from transcoding.qa.glyphs import drawable
from transcoding.qa.model import QaItem, QaSet, letter
from transcoding.qa.richtext import ListBlock, Paragraph, Span

FAMILY = "KhoSans"
INK = (33, 37, 41)
ACCENT = (0, 84, 166)
MUTED = (100, 100, 100)


@dataclass(frozen=True)
class Page:
    size: tuple[float, float]  # mm; explicit because fpdf2 changed its named A5 dimensions in 2.8.5
    margin: float  # mm
    body: float  # pt
    question: float
    title: float
    line: float  # mm per body line


PAGES = {
    "a4": Page((210, 297), 20, 11, 12.5, 26, 5.6),
    "a5": Page((148, 210), 13, 9.5, 10.5, 19, 4.8),
}


def _font_files() -> dict[str, Path]:
    regular, bold = font_path("regular"), font_path("bold")
    italic = regular.with_name(regular.name.replace("-Regular", "-Italic"))
    bold_italic = bold.with_name(bold.name.replace("-Bold", "-BoldItalic"))
    return {
        "": regular,
        "B": bold,
        "I": italic if italic.exists() and italic != regular else regular,
        "BI": bold_italic if bold_italic.exists() and bold_italic != bold else bold,
    }


class Booklet(FPDF):
    def __init__(self, qa: QaSet, page: Page) -> None:
        super().__init__(orientation="portrait", unit="mm", format=page.size)
        self.qa, self.layout = qa, page
        self.fonts_files = _font_files()
        for style, path in self.fonts_files.items():
            self.add_font(FAMILY, style, str(path))
        self.set_margins(page.margin, page.margin, page.margin)
        self.set_auto_page_break(True, margin=page.margin + 4)
        self.set_title(qa.title)
        self.set_lang(qa.language)  # screen readers pick the voice from it; the viewer shows the title
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.set_author(qa.organisation)
        self.set_creator("Kho Truyền Thông")

    def safe(self, value: str, style: str = "") -> str:
        return drawable(value, self.fonts_files[style])

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-self.layout.margin)
        self.set_font(FAMILY, "", self.layout.body - 2)
        self.set_text_color(*MUTED)
        label = self.safe(f"{self.qa.title} · {self.page_no()}")
        self.cell(0, 5, label, align="C")

    def cover(self) -> None:
        self.add_page()
        width = self.epw
        self.set_y(self.eph * 0.3)
        if self.qa.organisation:
            self.set_font(FAMILY, "B", self.layout.question)
            self.set_text_color(*MUTED)
            self.multi_cell(
                width, self.layout.line * 1.4, self.safe(self.qa.organisation.upper(), "B"), align="C"
            )
            self.ln(self.layout.line * 2)
        self.set_font(FAMILY, "B", self.layout.title)
        self.set_text_color(*ACCENT)
        self.multi_cell(width, self.layout.title * 0.5, self.safe(self.qa.title, "B"), align="C")
        self.ln(self.layout.line * 2)
        self.set_font(FAMILY, "", self.layout.body + 1)
        self.set_text_color(*INK)
        self.multi_cell(
            width, self.layout.line, self.safe(f"Bộ câu hỏi - đáp · {len(self.qa.items)} câu"), align="C"
        )

    def spans(self, spans: tuple[Span, ...]) -> None:
        for span in spans:
            style = ("B" if span.bold else "") + ("I" if span.italic else "")
            self.set_font(FAMILY, style, self.layout.body)
            self.set_text_color(*(ACCENT if span.href else INK))
            self.write(self.layout.line, self.safe(span.text, style), link=span.href or "")
        self.ln(self.layout.line)

    def bullet(self, marker: str, spans: tuple[Span, ...]) -> None:
        left = self.l_margin
        indent = self.layout.body * 0.9
        self.set_font(FAMILY, "", self.layout.body)
        self.set_text_color(*INK)
        self.set_x(left + indent * 0.3)
        self.write(self.layout.line, marker)
        self.set_left_margin(left + indent)
        self.set_x(left + indent)
        self.spans(spans)
        self.set_left_margin(left)

    def item(self, number: int, item: QaItem) -> None:
        line = self.layout.line
        if self.get_y() > self.h - self.b_margin - line * 6:
            self.add_page()
        self.set_font(FAMILY, "B", self.layout.question)
        self.set_text_color(*ACCENT)
        self.multi_cell(
            self.epw,
            line * 1.15,
            self.safe(f"Câu {number}. {item.question}", "B"),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(line * 0.3)
        for index, choice in enumerate(item.choices):
            correct = index == item.correct
            self.bullet(f"{letter(index)}.", (Span(choice, bold=correct),))
        if item.correct_letter:
            self.spans((Span("Đáp án: ", bold=True), Span(item.correct_letter, bold=True)))
        for block in item.answer.blocks:
            if isinstance(block, Paragraph):
                self.spans(block.spans)
            elif isinstance(block, ListBlock):
                for position, entry in enumerate(block.items, 1):
                    self.bullet(f"{position}." if block.ordered else "•", entry)
        if item.source:
            self.set_font(FAMILY, "I", self.layout.body - 1)
            self.set_text_color(*MUTED)
            self.multi_cell(
                self.epw,
                line,
                self.safe(f"Nguồn: {item.source}", "I"),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.ln(line * 0.8)


def write_pdf(qa: QaSet, path: Path, variant: str) -> None:
    booklet = Booklet(qa, PAGES[variant])
    booklet.cover()
    booklet.add_page()
    for number, item in enumerate(qa.items, 1):
        booklet.item(number, item)
    booklet.output(str(path))

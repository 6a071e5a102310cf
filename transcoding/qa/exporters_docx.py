"""DOCX export: an editable Word document whose paragraph styles (Kho Question, Kho Choice, ...) let
the DOCX importer read it back exactly; to a person it is simply a formatted question booklet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from transcoding.qa.model import QaItem, QaSet, letter
from transcoding.qa.richtext import ListBlock, Paragraph, Span

_STYLES: dict[str, tuple[str, int, bool, bool]] = {  # name: (base, size pt, bold, italic)
    "Kho Title": ("Title", 24, True, False),
    "Kho Organisation": ("Subtitle", 13, False, False),
    "Kho Question": ("Heading 2", 13, True, False),
    "Kho Choice": ("Normal", 11, False, False),
    "Kho Correct": ("Normal", 11, True, False),
    "Kho Label": ("Normal", 11, True, False),
    "Kho Source": ("Normal", 10, False, True),
}


def _styles(document: Any) -> None:
    for name, (base, size, bold, italic) in _STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
    document.styles["Normal"].font.name = "Noto Sans"


def _hyperlink(paragraph: DocxParagraph, span: Span) -> None:
    assert span.href is not None
    rel = paragraph.part.relate_to(span.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, on in (("w:b", span.bold), ("w:i", span.italic)):
        if on:
            props.append(OxmlElement(tag))
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1F4E9A")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([colour, underline])
    text = OxmlElement("w:t")
    text.text = span.text
    text.set(qn("xml:space"), "preserve")
    run.extend([props, text])
    link.append(run)
    paragraph._p.append(link)


def _spans(paragraph: DocxParagraph, spans: tuple[Span, ...]) -> None:
    for span in spans:
        if span.href:
            _hyperlink(paragraph, span)
            continue
        run = paragraph.add_run(span.text)
        run.bold = span.bold
        run.italic = span.italic


def _item(document: Any, number: int, item: QaItem) -> None:
    document.add_paragraph(f"Câu {number}. {item.question}", style="Kho Question")
    for index, choice in enumerate(item.choices):
        document.add_paragraph(f"{letter(index)}. {choice}", style="Kho Choice")
    if item.correct_letter:
        document.add_paragraph(f"Đáp án: {item.correct_letter}", style="Kho Correct")
    if not item.answer.is_empty():
        document.add_paragraph("Giải thích:" if item.choices else "Trả lời:", style="Kho Label")
    for block in item.answer.blocks:
        if isinstance(block, Paragraph):
            _spans(document.add_paragraph(), block.spans)
        elif isinstance(block, ListBlock):
            style = "List Number" if block.ordered else "List Bullet"
            for entry in block.items:
                _spans(document.add_paragraph(style=style), entry)
    if item.source:
        document.add_paragraph(f"Nguồn: {item.source}", style="Kho Source")


def write_docx(qa: QaSet, path: Path) -> None:
    document = docx.Document()
    _styles(document)
    document.core_properties.title = qa.title
    document.core_properties.author = qa.organisation
    document.core_properties.category = "kho-qa"
    document.add_paragraph(qa.title, style="Kho Title")
    if qa.organisation:
        org = document.add_paragraph(qa.organisation, style="Kho Organisation")
        org.runs[0].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    for number, item in enumerate(qa.items, 1):
        _item(document, number, item)
    document.save(str(path))

"""DOCX Q&A documents → lines for structure.py (after the ZIP/XML safety checks in ziplimits.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from transcoding.qa.assemble import assemble
from transcoding.qa.report import ImportReport, QaImportError
from transcoding.qa.richtext import Span
from transcoding.qa.structure import Line, read_structure
from transcoding.qa.text import clean_line, preview

# Paragraph styles written by exporters_docx.py; reading them back makes the round trip exact.
ROLE_STYLES = {
    "Kho Title": "title",
    "Kho Organisation": "organisation",
    "Kho Question": "question",
    "Kho Choice": "choice",
    "Kho Correct": "correct",
    "Kho Label": "label",
    "Kho Source": "source",
}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_flag(paragraph: DocxParagraph, attr: str) -> bool:
    style: Any = paragraph.style
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return bool(value)
        style = style.base_style
    return False


def _run_span(run: Run, paragraph: DocxParagraph, href: str | None) -> Span:
    bold = run.bold if run.bold is not None else _style_flag(paragraph, "bold")
    italic = run.italic if run.italic is not None else _style_flag(paragraph, "italic")
    return Span(run.text, bool(bold), bool(italic), href)


def _spans(paragraph: DocxParagraph) -> tuple[Span, ...]:
    spans: list[Span] = []
    for part in paragraph.iter_inner_content():
        if isinstance(part, Hyperlink):
            href = part.url or None
            spans.extend(_run_span(run, paragraph, href) for run in part.runs)
        else:
            spans.append(_run_span(part, paragraph, None))
    return tuple(spans)


class _Numbering:
    """numId/ilvl → 'ordered' | 'bullet', from numbering.xml (Word's own list numbering)."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, str], str] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            for lvl in levels.iter(f"{_W}lvl") if levels is not None else ():
                fmt = lvl.find(f"{_W}numFmt")
                kind = "bullet" if fmt is None or fmt.get(f"{_W}val") in ("bullet", "none") else "ordered"
                self.formats[(num.get(f"{_W}numId") or "", lvl.get(f"{_W}ilvl") or "0")] = kind

    def kind(self, paragraph: DocxParagraph) -> str | None:
        name = paragraph.style.name if paragraph.style is not None else ""
        if name.startswith("List Bullet"):
            return "bullet"
        if name.startswith("List Number"):
            return "ordered"
        ppr: Any = paragraph._p.pPr
        num_pr: Any = ppr.numPr if ppr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        ilvl = str(num_pr.ilvl.val) if num_pr.ilvl is not None else "0"
        return self.formats.get((str(num_pr.numId.val), ilvl), "bullet")


def _heading(name: str) -> int:
    if name == "Title":
        return 1
    if name.startswith("Heading "):
        level = name.removeprefix("Heading ").strip()
        return int(level) if level.isdigit() else 0
    return 0


def docx_lines(path: Path) -> list[Line]:
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise QaImportError.of("corrupt", None, detail=type(exc).__name__) from exc
    numbering = _Numbering(document)
    lines: list[Line] = []
    for paragraph in document.paragraphs:
        spans = _spans(paragraph)
        text = clean_line("".join(s.text for s in spans))
        if not text:
            continue
        number = len(lines) + 1
        style = paragraph.style.name if paragraph.style is not None else ""
        role = ROLE_STYLES.get(style)
        list_kind = None if role else numbering.kind(paragraph)
        lines.append(
            Line(
                spans=spans,
                marker_text=text,
                location=f"đoạn {number} / paragraph {number}: “{preview(text, 40)}”",
                list_kind=list_kind,
                heading=0 if role else _heading(style),
                all_bold=all(s.bold for s in spans if s.text.strip()),
                role=role,
            )
        )
    return lines


def parse_docx(path: Path, title_default: str) -> ImportReport:
    title, organisation, items, warnings = read_structure(docx_lines(path))
    return assemble(title or title_default, organisation, items, "docx", warnings)

"""Markdown Q&A files (`# Tiêu đề`, `## Câu 1`, `**Hỏi:**`, `**Đáp:**`, lists) → lines for structure.py."""

from __future__ import annotations

import re
from pathlib import Path

from transcoding.qa.assemble import assemble
from transcoding.qa.markdown import BULLET, ORDERED, parse_inline
from transcoding.qa.report import ImportReport, QaImportError
from transcoding.qa.structure import Line, read_structure
from transcoding.qa.text import clean, preview

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_EMPHASIS = re.compile(r"(?<!\\)[*_]+")


def _location(number: int, text: str) -> str:
    return f"dòng {number} / line {number}: “{preview(text, 40)}”"


def markdown_lines(source: str) -> list[Line]:
    lines: list[Line] = []
    for number, raw in enumerate(source.splitlines(), 1):
        if not raw.strip():
            continue
        heading = HEADING.match(raw)
        bullet, ordered = BULLET.match(raw), ORDERED.match(raw)
        level, list_kind, content = 0, None, raw.strip()
        if heading:
            level, content = len(heading.group(1)), heading.group(2)
        elif bullet or ordered:
            marker = bullet or ordered
            assert marker is not None
            list_kind, content = ("bullet" if bullet else "ordered"), raw[marker.end() :]
        spans = parse_inline(content)
        lines.append(
            Line(
                spans=spans,
                marker_text=_EMPHASIS.sub("", content).strip(),
                location=_location(number, raw),
                list_kind=list_kind,
                heading=level,
                all_bold=bool(spans) and all(s.bold or not s.text.strip() for s in spans),
            )
        )
    return lines


def parse_markdown(path: Path, title_default: str) -> ImportReport:
    raw = path.read_bytes()
    try:
        source = clean(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise QaImportError.of("encoding", f"dòng {line} / line {line}", line=line) from exc
    title, organisation, items, warnings = read_structure(markdown_lines(source))
    return assemble(title or title_default, organisation, items, "markdown", warnings)

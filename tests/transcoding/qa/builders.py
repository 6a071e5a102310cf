"""Writers for input files the exporters do not produce (Markdown) or that look like real-world files."""

from __future__ import annotations

from pathlib import Path

from transcoding.qa.markdown import escape_text
from transcoding.qa.model import QaSet, letter

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_markdown(qa: QaSet, path: Path) -> None:
    """`# title`, `## Câu N`, `**Hỏi:**`, choices, `**Đáp án:** B`, `**Trả lời:**`, `_Nguồn: …_`."""
    out = [f"# {escape_text(qa.title)}", "", f"Đơn vị: {escape_text(qa.organisation)}", ""]
    for number, item in enumerate(qa.items, 1):
        out += [f"## Câu {number}", "", f"**Hỏi:** {escape_text(item.question)}", ""]
        out += [f"{letter(i)}. {escape_text(c)}" for i, c in enumerate(item.choices)]
        if item.correct_letter:
            out += ["", f"**Đáp án:** {item.correct_letter}"]
        if not item.answer.is_empty():
            out += ["", "**Giải thích:**" if item.choices else "**Trả lời:**", "", item.answer.to_markdown()]
        if item.source:
            out += ["", f"_Nguồn: {escape_text(item.source)}_"]
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")

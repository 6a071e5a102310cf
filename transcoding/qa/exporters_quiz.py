"""LMS exports: Moodle XML (every item) and GIFT (multiple-choice items with a correct choice only)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from transcoding.qa.model import QaItem, QaSet
from transcoding.qa.text import preview

# --- Moodle XML ------------------------------------------------------------------------------------
SHORT_ANSWER_LIMIT = 60  # a one-line answer this short can be auto-graded as "shortanswer"


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def _para(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def _short_answer(item: QaItem) -> str | None:
    plain = item.answer.to_plain_text()
    if "\n" in plain or len(plain) > SHORT_ANSWER_LIMIT or not plain:
        return None
    if any(span.formatted for block in item.answer.blocks for span in getattr(block, "spans", ())):
        return None
    return plain if len(item.answer.blocks) == 1 and not hasattr(item.answer.blocks[0], "items") else None


def _question(quiz: ET.Element, number: int, item: QaItem) -> None:
    short = None if item.choices else _short_answer(item)
    # Moodle refuses a multichoice question without a 100% choice: such items become essays.
    kind = "multichoice" if item.is_quiz else ("shortanswer" if short else "essay")
    question = ET.SubElement(quiz, "question", {"type": kind})
    _text(question, "name", f"Câu {number}. {preview(item.question, 200)}", fmt=None)
    text = _para(item.question)
    if item.choices and not item.is_quiz:
        text += '<ol type="A">' + "".join(f"<li>{html.escape(c, quote=False)}</li>" for c in item.choices)
        text += "</ol>"
    _text(question, "questiontext", text)
    feedback = item.answer.to_html()
    if item.source:
        feedback += f"<p><em>Nguồn: {html.escape(item.source, quote=False)}</em></p>"
    _text(question, "generalfeedback", feedback)
    ET.SubElement(question, "defaultgrade").text = "1.0000000"
    ET.SubElement(question, "penalty").text = "0.3333333"
    ET.SubElement(question, "hidden").text = "0"
    if kind == "multichoice":
        _multichoice(question, item)
    elif kind == "shortanswer":
        ET.SubElement(question, "usecase").text = "0"
        answer = ET.SubElement(question, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        ET.SubElement(answer, "text").text = short
        _text(answer, "feedback", "")
    else:
        ET.SubElement(question, "responseformat").text = "editor"
        ET.SubElement(question, "responserequired").text = "1"
        ET.SubElement(question, "responsefieldlines").text = "10"
        ET.SubElement(question, "attachments").text = "0"
        ET.SubElement(question, "attachmentsrequired").text = "0"
        _text(question, "graderinfo", item.answer.to_html())
        _text(question, "responsetemplate", "")


def _multichoice(question: ET.Element, item: QaItem) -> None:
    ET.SubElement(question, "single").text = "true"
    # keep the author's order: Vietnamese quizzes often end with "Cả A, B và C đều đúng"
    ET.SubElement(question, "shuffleanswers").text = "false"
    ET.SubElement(question, "answernumbering").text = "ABCD"
    _text(question, "correctfeedback", "<p>Chính xác!</p>")
    _text(question, "partiallycorrectfeedback", "<p>Đúng một phần.</p>")
    _text(question, "incorrectfeedback", "<p>Chưa chính xác.</p>")
    for index, choice in enumerate(item.choices):
        fraction = "100" if index == item.correct else "0"
        answer = ET.SubElement(question, "answer", {"fraction": fraction, "format": "html"})
        ET.SubElement(answer, "text").text = _para(choice)
        _text(answer, "feedback", "")


def render_moodle(qa: QaSet) -> bytes:
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _text(category, "category", f"$course$/top/{qa.title.replace('/', '-')}", fmt=None)
    for number, item in enumerate(qa.items, 1):
        _question(quiz, number, item)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True)


def write_moodle(qa: QaSet, path: Path) -> None:
    path.write_bytes(render_moodle(qa))


# --- GIFT --------------------------------------------------------------------------------------------
GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """Backslash before each GIFT control character (backslash first), newlines as the \\n escape."""
    out = "".join("\\" + ch if ch in GIFT_SPECIAL else ch for ch in text)
    return out.replace("\n", "\\n")


def _gift_item(number: int, item: QaItem) -> str:
    title = gift_escape(f"Câu {number}")
    lines = [f"::{title}::[html]{gift_escape(_para(item.question))} {{"]
    for index, choice in enumerate(item.choices):
        lines.append(f"\t{'=' if index == item.correct else '~'}{gift_escape(choice)}")
    feedback = item.answer.to_html()
    if item.source:
        feedback += f"<p><em>Nguồn: {html.escape(item.source, quote=False)}</em></p>"
    if feedback:
        lines.append(f"\t####{gift_escape(feedback)}")
    lines.append("}")
    return "\n".join(lines)


def render_gift(qa: QaSet) -> str:
    category = "".join(" " if ch in GIFT_SPECIAL else ch for ch in qa.title).strip() or "Kho"
    header = f"// {qa.title}\n$CATEGORY: $course$/top/{category}\n\n"
    items = [_gift_item(number, item) for number, item in enumerate(qa.items, 1) if item.is_quiz]
    return header + "\n\n".join(items) + "\n"


def write_gift(qa: QaSet, path: Path) -> None:
    path.write_text(render_gift(qa), encoding="utf-8")

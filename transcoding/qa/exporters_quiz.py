"""LMS exports, Moodle XML and GIFT, of every item: a multiple-choice item with a correct choice is
auto-graded; any other item is an essay with the model answer as the grader's information (an open
answer matched word for word, as "shortanswer" does, would fail nearly every student)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from transcoding.qa.model import QaItem, QaSet
from transcoding.qa.text import preview

# --- Moodle XML ------------------------------------------------------------------------------------

def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def _para(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def category_name(title: str) -> str:
    """The set title as ONE category: Moodle reads '/' as a sub-category and GIFT reserves its specials."""
    name = title.replace("/", "-").replace("\\", "-")
    return " ".join("".join(" " if ch in GIFT_SPECIAL else ch for ch in name).split()) or "Kho"


def _question_html(item: QaItem) -> str:
    text = _para(item.question)
    if item.choices and not item.is_quiz:
        text += '<ol type="A">' + "".join(f"<li>{html.escape(c, quote=False)}</li>" for c in item.choices)
        text += "</ol>"
    return text


def _question(quiz: ET.Element, number: int, item: QaItem) -> None:
    # Moodle refuses a multichoice question without a 100% choice: such items become essays too.
    kind = "multichoice" if item.is_quiz else "essay"
    question = ET.SubElement(quiz, "question", {"type": kind})
    _text(question, "name", f"Câu {number}. {preview(item.question, 200)}", fmt=None)
    _text(question, "questiontext", _question_html(item))
    feedback = item.answer.to_html()
    if item.source:
        feedback += f"<p><em>Nguồn: {html.escape(item.source, quote=False)}</em></p>"
    _text(question, "generalfeedback", feedback)
    ET.SubElement(question, "defaultgrade").text = "1.0000000"
    ET.SubElement(question, "penalty").text = "0.3333333"
    ET.SubElement(question, "hidden").text = "0"
    if kind == "multichoice":
        _multichoice(question, item)
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
    _text(category, "category", f"$course$/top/{category_name(qa.title)}", fmt=None)
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
    """Multiple choice with its answers, or an essay: GIFT's empty answer block (general feedback only)."""
    title = gift_escape(f"Câu {number}")
    lines = [f"::{title}::[html]{gift_escape(_question_html(item))} {{"]
    for index, choice in enumerate(item.choices if item.is_quiz else ()):
        lines.append(f"\t{'=' if index == item.correct else '~'}{gift_escape(choice)}")
    feedback = item.answer.to_html()
    if item.source:
        feedback += f"<p><em>Nguồn: {html.escape(item.source, quote=False)}</em></p>"
    if feedback:
        lines.append(f"\t####{gift_escape(feedback)}")
    lines.append("}")
    return "\n".join(lines)


def render_gift(qa: QaSet) -> str:
    header = f"// {qa.title}\n$CATEGORY: $course$/top/{category_name(qa.title)}\n\n"
    items = [_gift_item(number, item) for number, item in enumerate(qa.items, 1)]
    return header + "\n\n".join(items) + "\n"


def write_gift(qa: QaSet, path: Path) -> None:
    path.write_text(render_gift(qa), encoding="utf-8")

"""Moodle XML checked element by element with an XML parser; GIFT read back by a strict tokenizer."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml.ElementTree import fromstring

from transcoding.qa import QaItem, QaSet, RichText
from transcoding.qa.exporters_quiz import GIFT_SPECIAL, gift_escape, render_gift, render_moodle

SPECIAL_ITEM = QaItem(
    question="Ký tự ~ = # { } : \\ trong câu hỏi?",
    choices=("A~1", "B=2", "C#3", "D{4}:5\\6"),
    correct=3,
    answer=RichText.from_plain("Giải thích: {a} ~ = # \\ hết"),
    source="Điều 1: khoản 2",
)


def _one(question: ET.Element, tag: str) -> ET.Element:
    found = question.findall(tag)
    assert len(found) == 1, f"{tag} in {question.get('type')}"
    return found[0]


def _text_of(element: ET.Element) -> str:
    text = _one(element, "text").text
    return text or ""


def test_moodle_xml_has_required_elements(qa: QaSet) -> None:
    root = fromstring(render_moodle(qa))
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category"
    assert _text_of(_one(questions[0], "category")).startswith("$course$/top/")
    items = questions[1:]
    assert len(items) == len(qa.items)
    for number, (element, item) in enumerate(zip(items, qa.items, strict=True), 1):
        assert _text_of(_one(element, "name")).startswith(f"Câu {number}.")
        qtext = _one(element, "questiontext")
        assert qtext.get("format") == "html"
        assert html.escape(item.question, quote=False) in _text_of(qtext)
        assert _one(element, "generalfeedback").get("format") == "html"
        assert float(_one(element, "defaultgrade").text or 0) == 1.0
        kind = element.get("type")
        if item.is_quiz:
            assert kind == "multichoice"
            assert _one(element, "single").text == "true"
            for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                assert _one(element, tag).get("format") == "html"
            answers = element.findall("answer")
            assert len(answers) == len(item.choices)
            fractions = [float(a.get("fraction") or "nan") for a in answers]
            assert fractions == [100.0 if i == item.correct else 0.0 for i in range(len(item.choices))]
            for answer in answers:
                assert answer.get("format") == "html"
                _one(answer, "feedback")
        else:
            assert kind == "essay"
            assert _one(element, "responseformat").text == "editor"
            assert _one(element, "graderinfo").get("format") == "html"
            assert _text_of(_one(element, "graderinfo")) == item.answer.to_html()
    assert {q.get("type") for q in items} == {"multichoice", "essay"}


def test_an_open_question_is_an_essay_never_a_shortanswer() -> None:
    """A model answer as the only accepted "shortanswer" would fail every student who words it otherwise."""
    item = QaItem("Nghị quyết 71 ban hành năm nào?", RichText.from_plain("Năm 2025."))
    question = fromstring(render_moodle(QaSet("T", "", (item,)))).findall("question")[1]
    assert question.get("type") == "essay"
    assert question.findall("answer") == []
    assert "Năm 2025." in _text_of(_one(question, "graderinfo"))


def test_a_slash_in_the_title_stays_inside_one_category() -> None:
    qa = QaSet("Nghị quyết 71-NQ/TW: Đột phá", "", (SPECIAL_ITEM,))
    moodle = _text_of(_one(fromstring(render_moodle(qa)).findall("question")[0], "category"))
    gift = next(line for line in render_gift(qa).splitlines() if line.startswith("$CATEGORY:"))
    for path in (moodle, gift.removeprefix("$CATEGORY: ")):
        assert path.startswith("$course$/top/")
        leaf = path.removeprefix("$course$/top/")
        assert "/" not in leaf and leaf.startswith("Nghị quyết 71-NQ-TW") and "Đột phá" in leaf


def test_moodle_choices_without_correct_become_essay() -> None:
    item = QaItem("Chọn?", RichText.from_plain("Tuỳ ý"), choices=("Một", "Hai"))
    root = fromstring(render_moodle(QaSet("T", "", (item,))))
    question = root.findall("question")[1]
    assert question.get("type") == "essay"
    assert "<li>Hai</li>" in _text_of(_one(question, "questiontext"))


# --- GIFT ----------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
    """("t", literal) and ("c", control character); backslash escapes give literals."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            nxt = text[i + 1]
            assert nxt in GIFT_SPECIAL or nxt == "n", f"bad escape \\{nxt}"
            out.append(("t", "\n" if nxt == "n" else nxt))
            i += 2
            continue
        out.append(("c", char) if char in GIFT_SPECIAL else ("t", char))
        i += 1
    return out


def _read_gift_question(block: str) -> dict[str, object]:
    toks = _tokens(block)
    controls = "".join(c for kind, c in toks if kind == "c")
    # exactly: ::title:: { then = or ~ per choice, #### feedback, }
    assert controls.startswith("::::{") and controls.endswith("}"), controls
    parts: dict[str, object] = {"choices": [], "correct": None, "feedback": ""}
    section, buffer = "start", ""
    colons = 0
    for kind, char in toks:
        if kind == "t":
            buffer += char
            continue
        if char == ":" and section in ("start", "title"):
            colons += 1
            if colons == 2:
                section, buffer = "title", ""
            elif colons == 4:
                parts["title"], section, buffer = buffer, "question", ""
            continue
        if char == "{":
            parts["question"], section, buffer = buffer.strip(), "answers", ""
        elif char in "=~" or char in "#}":
            if section == "choice":
                parts["choices"].append(buffer.strip())  # type: ignore[attr-defined]
            elif section == "feedback" and char == "}":
                parts["feedback"] = buffer.strip()
            if char in "=~":
                if char == "=":
                    parts["correct"] = len(parts["choices"])  # type: ignore[arg-type]
                section, buffer = "choice", ""
            elif char == "#":
                section, buffer = "feedback", ""
    return parts


def test_gift_escapes_every_special_character() -> None:
    assert gift_escape("~=#{}:\\") == "\\~\\=\\#\\{\\}\\:\\\\"
    assert gift_escape("a\nb") == "a\\nb"
    qa = QaSet("Bộ {đặc biệt}: ~=#", "", (SPECIAL_ITEM,))
    text = render_gift(qa)
    blocks = [b for b in text.split("\n\n") if b.startswith("::")]
    assert len(blocks) == 1
    parsed = _read_gift_question(blocks[0])
    assert parsed["title"] == "Câu 1"
    assert parsed["question"] == "[html]<p>" + html.escape(SPECIAL_ITEM.question, quote=False) + "</p>"
    assert parsed["choices"] == list(SPECIAL_ITEM.choices)
    assert parsed["correct"] == SPECIAL_ITEM.correct
    assert str(parsed["feedback"]).startswith(SPECIAL_ITEM.answer.to_html())
    assert "Điều 1: khoản 2" in str(parsed["feedback"])


def test_gift_has_every_item_open_ones_as_essays(qa: QaSet, tmp_path: Path) -> None:
    text = render_gift(qa)
    blocks = [b for b in text.split("\n\n") if b.startswith("::")]
    assert len(blocks) == len(qa.items) and any(not i.is_quiz for i in qa.items)
    for block, item in zip(blocks, qa.items, strict=True):
        parsed = _read_gift_question(block)
        if item.is_quiz:
            assert parsed["choices"] == list(item.choices)
            assert parsed["correct"] == item.correct
        else:  # GIFT's essay: an answer block holding only the general feedback
            assert parsed["choices"] == [] and parsed["correct"] is None
            assert str(parsed["feedback"]).startswith(item.answer.to_html())

"""Reads the structure of a flowing Q&A document (DOCX paragraphs, Markdown lines).

Recognised, in order of trust: our own DOCX styles (exact round trip); `Câu 1:` / `Câu hỏi 1.` /
`Hỏi:` markers or Markdown headings; whole-bold paragraphs; finally `1.` numbered lines ending in `?`.
Inside an item: `A.`/`B)` choices, `Đáp án: B`, `Đáp:`/`Trả lời:`/`Giải thích:` answers, `Nguồn:` source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from transcoding.qa import patterns as P
from transcoding.qa.assemble import Parsed
from transcoding.qa.messages import warning
from transcoding.qa.model import QaItem, QaModelError, parse_correct
from transcoding.qa.report import QaImportError
from transcoding.qa.richtext import Block, ListBlock, Paragraph, RichText, Span, spans_text
from transcoding.qa.text import clean_line, preview

ORGANISATION = re.compile(r"^\s*(?:đơn\s*vị|cơ\s*quan|tổ\s*chức|organi[sz]ation)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...]
    marker_text: str  # what the patterns look at (Markdown keeps its escapes here)
    location: str
    list_kind: str | None = None  # "bullet" | "ordered"
    heading: int = 0  # 1 = document title, 2+ = question heading
    all_bold: bool = False
    role: str | None = (
        None  # from our own DOCX styles: title, organisation, question, choice, correct, label, source
    )

    @property
    def plain(self) -> str:
        return spans_text(self.spans)


@dataclass
class _Draft:
    location: str
    question: str = ""
    choices: list[str] = field(default_factory=list)
    bold_choices: list[bool] = field(default_factory=list)
    correct: str | None = None
    blocks: list[Block] = field(default_factory=list)
    source: str | None = None
    phase: str = "question"  # question → choices → answer


def strip_prefix(spans: Sequence[Span], count: int) -> tuple[Span, ...]:
    out: list[Span] = []
    for span in spans:
        if count >= len(span.text):
            count -= len(span.text)
            continue
        out.append(Span(span.text[count:], span.bold, span.italic, span.href))
        count = 0
    return tuple(out)


def _after(pattern: re.Pattern[str], line: Line) -> tuple[Span, ...]:
    match = pattern.match(line.plain)
    return strip_prefix(line.spans, match.end()) if match else line.spans


class _Reader:
    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        texts = [ln.marker_text for ln in lines if not ln.list_kind]
        self.by_role = any(ln.role == "question" for ln in lines)
        self.by_marker = any(P.QUESTION.match(t) or P.ASK.match(t) for t in texts) or any(
            ln.heading >= 2 for ln in lines
        )
        self.by_bold = any(
            ln.all_bold and not ln.list_kind and not P.CHOICE.match(ln.marker_text) for ln in lines
        )
        self.answer_markers = any(P.ANSWER.match(t) for t in texts)
        self.title = ""
        self.organisation = ""
        self.warnings: list[str] = []
        self.items: list[Parsed] = []
        self.draft: _Draft | None = None

    def starts_question(self, line: Line) -> bool:
        text = line.marker_text
        if self.by_role:
            return line.role == "question"
        if self.by_marker:
            if line.heading >= 2 or (not line.list_kind and P.QUESTION.match(text)):
                return True
            return bool(P.ASK.match(text)) and not (self.draft and not self.draft.question)
        if self.by_bold:
            return line.all_bold and not line.list_kind and not P.CHOICE.match(text) and not line.heading == 1
        return bool(P.NUMBERED.match(text) or line.list_kind == "ordered") and text.rstrip().endswith("?")

    def question_text(self, line: Line) -> str:
        text = line.plain
        for pattern in (P.QUESTION, P.ASK, P.NUMBERED):
            match = pattern.match(text)
            if match:
                return text[match.end() :]
        return text

    def preamble(self, line: Line) -> None:
        if line.role == "title" or line.heading == 1 or (not self.title and line.all_bold):
            self.title = self.title or clean_line(line.plain)
        elif line.role == "organisation":
            self.organisation = clean_line(line.plain)
        elif ORGANISATION.match(line.marker_text):
            self.organisation = clean_line(ORGANISATION.sub("", line.plain, count=1))
        elif clean_line(line.plain):
            self.warnings.append(warning("ignored_text", text=preview(line.plain, 40)))

    def read(self) -> None:
        for line in self.lines:
            if not clean_line(line.plain):
                continue
            if self.starts_question(line):
                self.finish()
                self.draft = _Draft(location=line.location, question=self.question_text(line))
            elif self.draft is None:
                self.preamble(line)
            else:
                self.inside(self.draft, line)
        self.finish()

    def kind_of(self, draft: _Draft, line: Line) -> str | None:
        """What a line inside an item is: source, correct, answer (label), choice, or None (content)."""
        if self.by_role:
            return {"source": "source", "correct": "correct", "label": "answer", "choice": "choice"}.get(
                line.role or ""
            )
        text = line.marker_text
        if line.list_kind:
            return None
        if P.SOURCE.match(text):
            return "source"
        if draft.choices and P.CORRECT.match(text):
            return "correct"
        if P.ANSWER.match(text):
            return "answer"
        if draft.phase != "answer" and P.CHOICE.match(text):
            return "choice"
        return None

    def continues_question(self, draft: _Draft) -> bool:
        """In documents that mark answers explicitly, an unfinished question may wrap onto more lines."""
        return self.answer_markers and not self.by_role and not draft.question.rstrip().endswith(("?", ":"))

    def inside(self, draft: _Draft, line: Line) -> None:
        kind = self.kind_of(draft, line)
        if kind == "source":
            draft.source = clean_line(spans_text(_after(P.SOURCE, line)))
        elif kind == "correct":
            match = P.CORRECT.match(line.plain)
            draft.correct = match.group(1) if match else clean_line(line.plain)
            draft.phase = "answer"
            self.add(draft, line, strip_prefix(line.spans, match.end()) if match else ())
        elif kind == "answer":
            draft.phase = "answer"
            self.add(draft, line, _after(P.ANSWER, line))
        elif kind == "choice":
            draft.choices.append(clean_line(spans_text(_after(P.CHOICE, line))))
            draft.bold_choices.append(line.all_bold)
            draft.phase = "choices"
        elif draft.phase == "question" and (not draft.question or self.continues_question(draft)):
            joined = f"{draft.question} {self.question_text(line) if not draft.question else line.plain}"
            draft.question = joined.strip()
        else:
            draft.phase = "answer"
            self.add(draft, line, line.spans)

    @staticmethod
    def add(draft: _Draft, line: Line, spans: tuple[Span, ...]) -> None:
        if not spans_text(spans).strip():
            return
        if line.list_kind:
            draft.blocks.append(ListBlock(line.list_kind == "ordered", (spans,)))
        else:
            draft.blocks.append(Paragraph(spans))

    def finish(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        if draft.correct is None and sum(draft.bold_choices) == 1 and len(draft.choices) > 1:
            draft.correct = "ABCDEFGH"[draft.bold_choices.index(True)]
        choices = tuple(draft.choices)
        try:
            correct = parse_correct(draft.correct, choices)
        except QaModelError as exc:
            raise QaImportError.of(
                "bad_correct", draft.location, value=draft.correct, question=preview(draft.question, 60)
            ) from exc
        item = QaItem(draft.question, RichText(tuple(draft.blocks)), choices, correct, draft.source)
        self.items.append(Parsed(item, draft.location))


def read_structure(lines: Sequence[Line]) -> tuple[str, str, list[Parsed], list[str]]:
    """(title, organisation, items with locations, file-level warnings)."""
    reader = _Reader(lines)
    reader.read()
    return reader.title, reader.organisation, reader.items, reader.warnings

"""Q&A set model: ordered items of question, rich-text answer, optional choices and correct choice,
and a source reference. Pure values; every string is NFC and free of control characters."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from transcoding.qa.richtext import RichText
from transcoding.qa.text import clean_line

MAX_CHOICES = 8
LETTERS = "ABCDEFGH"
JSON_FORMAT = "kho-qa"
JSON_VERSION = 1


class QaModelError(ValueError):
    """An item that breaks the model's rules (importers turn it into a QaImportError with a location)."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


def letter(index: int) -> str:
    return LETTERS[index]


def parse_correct(value: object, choices: tuple[str, ...]) -> int | None:
    """'B', 'b', 'B.', 2 (1-based) or a choice's exact text → 0-based index; '' → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise QaModelError("bad_correct", value=value)
    text = clean_line(str(value)).rstrip(".)").strip()
    if not text:
        return None
    if len(text) == 1 and text.upper() in LETTERS:
        index = LETTERS.index(text.upper())
    elif text.isdigit():
        index = int(text) - 1
    elif text in choices:
        index = choices.index(text)
    else:
        raise QaModelError("bad_correct", value=text)
    if not 0 <= index < len(choices):
        raise QaModelError("bad_correct", value=text)
    return index


@dataclass(frozen=True)
class QaItem:
    question: str
    answer: RichText = field(default_factory=RichText)
    choices: tuple[str, ...] = ()
    correct: int | None = None  # 0-based index into choices
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "question", clean_line(self.question))
        object.__setattr__(self, "choices", tuple(clean_line(c) for c in self.choices))
        object.__setattr__(self, "source", clean_line(self.source) if self.source else None)
        object.__setattr__(self, "source", self.source or None)

    def validate(self) -> None:
        """Raises QaModelError for an item no export could represent."""
        if not self.question:
            raise QaModelError("missing_question")
        if len(self.choices) == 1 or any(not c for c in self.choices):
            raise QaModelError("too_few_choices", question=self.question)
        if len(self.choices) > MAX_CHOICES:
            raise QaModelError("too_many_choices", question=self.question, limit=MAX_CHOICES)
        if self.correct is not None and not 0 <= self.correct < len(self.choices):
            raise QaModelError("bad_correct", value=self.correct, question=self.question)
        if self.answer.is_empty() and self.correct is None:
            raise QaModelError("missing_answer", question=self.question)

    @property
    def is_quiz(self) -> bool:
        """A multiple-choice item with a marked correct choice (what GIFT and Moodle multichoice need)."""
        return bool(self.choices) and self.correct is not None

    @property
    def correct_letter(self) -> str | None:
        return letter(self.correct) if self.correct is not None else None

    def to_plain_text(self) -> str:
        """Question, choices, answer and source as one text for the search index."""
        parts = [self.question, *(f"{letter(i)}. {c}" for i, c in enumerate(self.choices))]
        parts.append(self.answer.to_plain_text())
        if self.source:
            parts.append(self.source)
        return "\n".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer.to_html(),
            "answer_text": self.answer.to_plain_text(),
            "choices": list(self.choices),
            "correct": self.correct_letter,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QaItem:
        choices = tuple(str(c) for c in data.get("choices") or ())
        answer = data.get("answer")
        rich = (
            RichText.from_json(answer) if answer else RichText.from_plain(str(data.get("answer_text") or ""))
        )
        item = cls(
            question=str(data.get("question") or ""),
            answer=rich,
            choices=choices,
            source=str(data["source"]) if data.get("source") else None,
        )
        return replace(item, correct=parse_correct(data.get("correct"), item.choices))


@dataclass(frozen=True)
class QaSet:
    title: str
    organisation: str = ""
    items: tuple[QaItem, ...] = ()
    language: str = "vi"  # BCP 47: the booklet PDF's /Lang (not part of the JSON exchange format)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean_line(self.title))
        object.__setattr__(self, "organisation", clean_line(self.organisation))
        object.__setattr__(self, "items", tuple(self.items))

    def to_plain_text(self) -> str:
        return "\n\n".join([self.title, *(item.to_plain_text() for item in self.items)])

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "title": self.title,
            "organisation": self.organisation,
            "items": [item.to_dict() for item in self.items],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QaSet:
        items = tuple(QaItem.from_dict(entry) for entry in data.get("items") or ())
        return cls(str(data.get("title") or ""), str(data.get("organisation") or ""), items)

    @classmethod
    def from_json(cls, text: str) -> QaSet:
        return cls.from_dict(json.loads(text))

"""What an import returns (the set plus what was understood) and how it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transcoding.qa.messages import message
from transcoding.qa.model import QaSet
from transcoding.qa.text import preview
from transcoding.types import BadMediaError


class QaImportError(BadMediaError):
    """The file cannot be read as a Q&A set. `location` names the first bad place, e.g. "dòng 7 / row 7"."""

    def __init__(self, message_vi: str, message_en: str, location: str | None = None, *, code: str) -> None:
        super().__init__(f"{message_en} ({location})" if location else message_en, code=code)
        self.message_vi = message_vi
        self.message_en = message_en
        self.location = location

    @classmethod
    def of(cls, code: str, location: str | None = None, **values: object) -> QaImportError:
        vi, en = message(code, **values)
        return cls(vi, en, location, code=f"qa_{code}")

    def to_problem(self) -> dict[str, Any]:
        """Fields for an RFC 9457 problem+json body (the service adds type/status/instance)."""
        detail = f"{self.message_vi} ({self.location})" if self.location else self.message_vi
        return {
            "title": "Không nhập được bộ câu hỏi - đáp",
            "detail": detail,
            "code": self.code,
            "location": self.location,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


def row_location(row: int) -> str:
    return f"dòng {row} / row {row}"


def paragraph_location(number: int) -> str:
    return f"đoạn {number} / paragraph {number}"


@dataclass(frozen=True)
class ItemReport:
    index: int  # 1-based position in the set
    question_preview: str
    has_choices: bool
    correct: str | None
    has_source: bool
    location: str
    warnings: tuple[str, ...] = ()


@dataclass
class ImportReport:
    qa_set: QaSet
    format: str  # "docx", "xlsx", "csv", "json", "markdown"
    items: list[ItemReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the file, not one item

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "title": self.qa_set.title,
            "organisation": self.qa_set.organisation,
            "count": len(self.items),
            "warnings": list(self.warnings),
            "items": [
                {
                    "index": r.index,
                    "question": r.question_preview,
                    "has_choices": r.has_choices,
                    "correct": r.correct,
                    "has_source": r.has_source,
                    "location": r.location,
                    "warnings": list(r.warnings),
                }
                for r in self.items
            ],
        }


def preview_of(question: str) -> str:
    return preview(question, 80)

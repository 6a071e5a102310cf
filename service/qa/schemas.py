"""Q&A API shapes. Positions are 1-based everywhere in the API ("Câu 1" is position 1), like the
import report's `index`; rows store them 0-based."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_ITEMS = 5_000  # the importer's own ceiling (transcoding.qa.assemble.MAX_ITEMS)


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in value]
    return value


class QaItemOut(BaseModel):
    position: int = Field(description="1-based position in the set")
    question: str
    answer: str = Field(description="answer as sanitised HTML (p, ul/ol/li, strong, em, a href)")
    answer_text: str = Field(description="answer as plain text, one paragraph or list item per line")
    choices: list[str]
    correct: str | None = Field(description="letter of the correct choice (A, B, …) or null")
    source: str | None


class VersionRef(BaseModel):
    id: uuid.UUID
    number: int
    status: str


class QaSetOut(BaseModel):
    asset_id: uuid.UUID
    version: VersionRef
    state: str = Field(description="ready | processing | failed | pending: whether the items below exist yet")
    job_id: str | None = None
    job_error: str | None = None
    count: int
    items: list[QaItemOut]
    import_report: dict[str, Any] | None = Field(
        default=None, description="what the importer understood, per item (format, warnings, locations)")


class QaItemIn(BaseModel):
    """One item as an editor sends it. `answer` is HTML limited to the rich-text subset (anything else is
    dropped by the allow-list reader); `answer_text` is plain text, used when `answer` is absent."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=5_000)
    answer: str | None = Field(default=None, max_length=100_000)
    answer_text: str | None = Field(default=None, max_length=50_000)
    choices: list[str] = Field(default_factory=list, max_length=8)
    correct: str | int | None = Field(default=None, description="letter (A–H), 1-based number or choice text")
    source: str | None = Field(default=None, max_length=2_000)

    _clean = field_validator("question", "answer", "answer_text", "choices", "source", "correct",
                             mode="before")(_nfc)

    @field_validator("choices")
    @classmethod
    def _short_choices(cls, value: list[str]) -> list[str]:
        if any(len(choice) > 2_000 for choice in value):
            raise ValueError("a choice is longer than 2000 characters")
        return value


class QaItemInsert(QaItemIn):
    position: int | None = Field(default=None, ge=1,
                                 description="1-based place to insert at; default: append")


class ReorderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order: list[int] = Field(min_length=1, max_length=MAX_ITEMS,
                             description="the current positions in their new order, e.g. [3, 1, 2]")


class QaEditOut(BaseModel):
    """The version an edit created. Its exports and rows appear once its processing job has run."""

    asset_id: uuid.UUID
    asset_status: str
    version: VersionRef
    live_version: VersionRef | None = Field(
        description="the version the public still sees (published assets)")
    job_id: str
    count: int
    items: list[QaItemOut]

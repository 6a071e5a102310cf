"""Q&A items of a version: stored row by row so they can be reviewed, edited and searched one by one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.models import QaItem
from service.qa import repository
from service.qa.schemas import QaItemOut
from transcoding.qa.model import QaItem as QaModelItem
from transcoding.qa.richtext import RichText

LETTERS = "ABCDEFGHIJ"


def _correct_index(value: Any) -> int | None:
    if isinstance(value, str) and len(value) == 1 and value.upper() in LETTERS:
        return LETTERS.index(value.upper())
    if isinstance(value, int):
        return value
    return None


def replace_items(session: Session, version_id: uuid.UUID, items: list[dict[str, Any]]) -> None:
    repository.delete_items(session, version_id)
    session.add_all(QaItem(version_id=version_id, position=i, question=item["question"],
                           answer=item.get("answer", ""), choices=list(item.get("choices", [])),
                           correct=_correct_index(item.get("correct")), source=item.get("source"))
                    for i, item in enumerate(items))
    session.flush()


def items_of(session: Session, version_id: uuid.UUID) -> list[QaItem]:
    return repository.items_of(session, version_id)


def to_model(row: QaItem) -> QaModelItem:
    """A stored row back as the pure model (the answer HTML goes through the allow-list reader again)."""
    return QaModelItem(question=row.question, answer=RichText.from_html(row.answer or ""),
                       choices=tuple(row.choices or ()), correct=row.correct, source=row.source)


def to_out(position: int, item: QaModelItem) -> QaItemOut:
    """`position` is 1-based."""
    data = item.to_dict()
    return QaItemOut(position=position, question=data["question"], answer=data["answer"],
                     answer_text=data["answer_text"], choices=data["choices"], correct=data["correct"],
                     source=data["source"])

"""Turns parsed items (with where they came from) into a validated QaSet and its ImportReport."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transcoding.qa.messages import warning
from transcoding.qa.model import QaItem, QaModelError, QaSet
from transcoding.qa.report import ImportReport, ItemReport, QaImportError, preview_of
from transcoding.qa.text import fold

MAX_ITEMS = 5_000
LONG_QUESTION = 500


@dataclass(frozen=True)
class Parsed:
    item: QaItem
    location: str


def assemble(
    title: str, organisation: str, parsed: Sequence[Parsed], fmt: str, warnings: Sequence[str] = ()
) -> ImportReport:
    if not parsed:
        raise QaImportError.of("no_items")
    if len(parsed) > MAX_ITEMS:
        raise QaImportError.of("too_many_items", parsed[MAX_ITEMS].location, limit=MAX_ITEMS)
    seen: dict[str, int] = {}
    reports: list[ItemReport] = []
    for index, entry in enumerate(parsed, 1):
        item = entry.item
        try:
            item.validate()
        except QaModelError as exc:
            values = {"question": preview_of(item.question), **exc.values}
            raise QaImportError.of(exc.code, entry.location, **values) from exc
        notes: list[str] = []
        if item.choices and item.correct is None:
            notes.append(warning("no_correct"))
        key = fold(item.question)
        if key in seen:
            notes.append(warning("duplicate", other=seen[key]))
        seen.setdefault(key, index)
        if len(item.question) > LONG_QUESTION:
            notes.append(warning("long_question", limit=LONG_QUESTION))
        reports.append(
            ItemReport(
                index=index,
                question_preview=preview_of(item.question),
                has_choices=bool(item.choices),
                correct=item.correct_letter,
                has_source=item.source is not None,
                location=entry.location,
                warnings=tuple(notes),
            )
        )
    qa_set = QaSet(title=title, organisation=organisation, items=tuple(p.item for p in parsed))
    return ImportReport(qa_set=qa_set, format=fmt, items=reports, warnings=list(warnings))

"""JSON Q&A sets in our own export shape ({"title", "organisation", "items": [...]}) or a bare item list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from transcoding.qa.assemble import Parsed, assemble
from transcoding.qa.model import QaItem, QaModelError
from transcoding.qa.report import ImportReport, QaImportError

MAX_BYTES = 50 * 1024 * 1024
_TEXT_FIELDS = ("question", "answer", "answer_text", "source")


def _item(entry: Any, index: int) -> QaItem:
    where = f"items[{index}]"
    if not isinstance(entry, dict):
        raise QaImportError.of("bad_field", where, field=where, detail="not an object")
    for name in _TEXT_FIELDS:
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise QaImportError.of("bad_field", f"{where}.{name}", field=name, detail="not a string")
    choices = entry.get("choices")
    if choices is not None and (
        not isinstance(choices, list) or not all(isinstance(c, str) for c in choices)
    ):
        raise QaImportError.of(
            "bad_field", f"{where}.choices", field="choices", detail="not a list of strings"
        )
    try:
        return QaItem.from_dict(entry)
    except QaModelError as exc:
        raise QaImportError.of(
            "bad_field", f"{where}.correct", field="correct", detail=str(entry.get("correct"))
        ) from exc


def parse_json(path: Path, title_default: str) -> ImportReport:
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise QaImportError.of("bad_json", None, detail=f"larger than {MAX_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"dòng {exc.lineno} / line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
        raise QaImportError.of("bad_json", where, detail=str(exc)) from exc
    if isinstance(data, list):
        data = {"items": data}
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise QaImportError.of("bad_field", "items", field="items", detail="missing or not a list")
    parsed = [Parsed(_item(entry, i), f"items[{i}]") for i, entry in enumerate(data["items"])]
    title = data.get("title") if isinstance(data.get("title"), str) else None
    organisation = data.get("organisation") if isinstance(data.get("organisation"), str) else ""
    return assemble(title or title_default, organisation or "", parsed, "json")

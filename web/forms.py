"""Form helpers: validate a form with the API's own pydantic schema, and show a service error on the form."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from service.core.errors import KhoError
from web.render import lang_of

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], **data: Any) -> M:
    """The same validation as the JSON API; a bad form becomes a 422 naming the fields."""
    try:
        return model(**data)
    except ValidationError as exc:
        fields = ", ".join(sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()}))
        raise KhoError("validation_failed", status=422, reason=fields) from None


def message(request: Request, exc: KhoError) -> str:
    return exc.detail_vi if lang_of(request) == "vi" else exc.detail_en


def blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None

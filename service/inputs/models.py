"""Validating client metadata that does not arrive as a JSON request body (multipart `metadata`, tus
Upload-Metadata, import manifests): the same screen as every body, then the schema."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from service.core.errors import KhoError
from service.inputs.jsontext import JsonTooDeep, loads
from service.inputs.text import screen

M = TypeVar("M", bound=BaseModel)


def metadata_object(text: str | None, *, what: str = "metadata") -> dict[str, Any]:
    """A JSON object given as text; 422 `malformed_metadata` for anything else (too deep: `json_too_deep`)."""
    if not text:
        return {}
    try:
        raw = loads(text, what=what, loc=(what,))
    except JsonTooDeep:
        raise
    except KhoError as exc:
        if exc.code != "invalid_json":
            raise
        raise KhoError("malformed_metadata", status=422, reason=exc.params.get("reason", "")) from exc
    if not isinstance(raw, dict):
        raise KhoError("malformed_metadata", status=422, reason=f"{what} must be a JSON object")
    return raw


def validate(model: type[M], raw: dict[str, Any], *, loc: tuple[str, ...] = ("metadata",)) -> M:
    screen(raw, loc)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise KhoError("malformed_metadata", status=422, reason=reasons,
                       extra={"errors": json.loads(exc.json(include_url=False))[:20]}) from exc

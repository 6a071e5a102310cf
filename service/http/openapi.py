"""The published schema says what the API really sends for errors: RFC 9457 problem+json, always."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string", "description": "Vietnamese title"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "Vietnamese explanation"},
        "detail_en": {"type": "string", "description": "English explanation"},
        "code": {"type": "string", "description": "Stable machine-readable code"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def _rewrite(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, response in list(responses.items()):
                if str(status)[0] in "45":
                    responses[status] = _problem_response(response.get("description", "Error"))
            responses.setdefault("default", _problem_response("Error (RFC 9457 problem details)"))
    return schema


def install(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _rewrite(original())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

"""Client JSON: strictly UTF-8, nested at most MAX_DEPTH levels (the parser's own recursion limit is
caught, the rest measured without recursion, so later recursive code never meets a hostile depth),
control characters refused."""

from __future__ import annotations

import json
from typing import Any

from service.core.errors import KhoError
from service.inputs.text import Loc, clip, screen

MAX_DEPTH = 64


class InvalidJson(KhoError):
    status = 400
    code = "invalid_json"


class JsonTooDeep(KhoError):
    status = 422
    code = "json_too_deep"


def nesting(value: Any) -> int:
    """How deep lists and objects nest in a decoded value (iterative: no recursion on hostile input)."""
    deepest = 0
    pending: list[tuple[int, Any]] = [(0, value)]
    while pending:
        level, item = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level + 1)
            pending.extend((level + 1, child) for child in children)
    return deepest


def decode_text(raw: bytes | str, what: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidJson(what=what, reason=f"not UTF-8 (byte {exc.start})") from exc


def loads(raw: bytes | str, *, what: str = "body", loc: Loc = ("body",)) -> Any:
    """Parse client JSON; 400 for bytes that are not UTF-8 JSON, 422 for nesting over MAX_DEPTH or a
    control character in any string."""
    text = decode_text(raw, what)
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidJson(what=what, reason=clip(str(exc))) from exc
    except RecursionError as exc:  # the parser's own limit (about 1000 levels) is a clean exception
        raise JsonTooDeep(what=what, limit=MAX_DEPTH) from exc
    if nesting(value) > MAX_DEPTH:
        raise JsonTooDeep(what=what, limit=MAX_DEPTH)
    screen(value, loc)
    return value

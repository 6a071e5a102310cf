"""The one rule for client text: no control characters (tab, line feed and carriage return are allowed
where text may span lines), so a NUL never reaches PostgreSQL (which refuses it) or SQLite (which would
store it silently). Also the rule for client file names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator

from service.core.errors import KhoError, clip

# C0 controls except TAB/LF/CR, DEL and the C1 controls; single-line text allows none of them at all,
# nor the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
Loc = Sequence[str | int]


def control_character(value: str, *, multiline: bool = True) -> str | None:
    """The first forbidden character of `value`, or None."""
    found = (_CONTROL if multiline else _LINE_CONTROL).search(value)
    return found.group() if found else None


def find_control(value: Any, loc: Loc = ()) -> tuple[tuple[str | int, ...], str] | None:
    """(location, character) of the first control character anywhere in a decoded JSON value, keys
    included; iterative, so a hostile nesting depth cannot exhaust the stack."""
    pending: list[tuple[tuple[str | int, ...], Any]] = [(tuple(loc), value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            char = control_character(item)
            if char is not None:
                return where, char
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and (char := control_character(key)) is not None:
                    return (*where, key), char
                pending.append(((*where, key), child))
        elif isinstance(item, list | tuple):
            pending.extend(((*where, i), child) for i, child in enumerate(item))
    return None


class ControlCharacters(KhoError):
    status = 422
    code = "control_characters"

    def __init__(self, loc: Loc, char: str) -> None:
        field = ".".join(str(part) for part in loc) or "-"
        super().__init__(field=clip(field), codepoint=f"{ord(char):04X}",
                         extra={"errors": [{"loc": list(loc), "type": "control_characters",
                                            "msg": f"control character U+{ord(char):04X} is not allowed"}]})


def screen(value: Any, loc: Loc = ()) -> None:
    """Refuse (422) any control character in a decoded value."""
    found = find_control(value, loc)
    if found is not None:
        raise ControlCharacters(*found)


def _single_line(value: str) -> str:
    char = control_character(value, multiline=False)
    if char is not None:
        raise ValueError(f"control character U+{ord(char):04X} is not allowed in a single line of text")
    return value


# For names, titles and e-mail addresses in request schemas: stricter than the screen every request
# passes (service/inputs/middleware.py), which allows tab and line breaks in any text.
Line = Annotated[str, AfterValidator(_single_line)]


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"|?*\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]')
NAME_LIMIT = 255


def client_filename(raw: str | None, default: str = "upload") -> str:
    """A client's file name as it may be stored and shown: the last path component only (no `../`, no
    folders, either slash), no control or bidirectional-override characters, no leading dots, NFC,
    at most 255 characters with the extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME.sub("_", name)
    name = " ".join(name.split()).lstrip(". ").rstrip(" ")
    if not name or set(name) <= {"_", "."}:
        return default
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and 0 < len(ext) <= 16 else ""
        name = (stem if ext else name)[: NAME_LIMIT - len(ext) - 1 * bool(ext)] + ("." + ext if ext else "")
    return name

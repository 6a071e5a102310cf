"""Text hygiene shared by the Q&A model, importers and exporters: NFC, no control characters, tidy spaces."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls (except tab/newline) are invalid in XML 1.0 and invisible everywhere else.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u200b]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_ANY_WS = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC, controls removed, CR/LF unified; keeps line breaks (callers decide what they mean)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROLS.sub("", text)


def clean_inline(text: str) -> str:
    """Like clean() but one line: every run of whitespace becomes a single space (edges kept)."""
    return _ANY_WS.sub(" ", _SPACES.sub(" ", clean(text)))


def clean_line(text: str) -> str:
    """One line, trimmed: for questions, choices, titles and sources."""
    return clean_inline(text).strip()


def fold(text: str) -> str:
    """Lower-case ASCII skeleton of Vietnamese text (đ→d, tones dropped) for header matching."""
    text = clean_line(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def preview(text: str, limit: int = 80) -> str:
    text = clean_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

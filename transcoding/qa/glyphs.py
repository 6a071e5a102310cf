"""Which characters a TrueType font can draw, so renderers never emit missing-glyph boxes."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

REPLACEMENT = "?"


@cache
def cmap(path: Path) -> frozenset[int]:
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def drawable(text: str, path: Path) -> str:
    """NFC text with every character the font lacks decomposed (if its parts exist) or replaced by '?'."""
    codes = cmap(path)
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if ord(char) in codes or char in "\n\t":
            out.append(char)
            continue
        parts = unicodedata.normalize("NFD", char)
        out.append(parts if all(ord(p) in codes for p in parts) else REPLACEMENT)
    return "".join(out)


def missing(text: str, path: Path) -> set[str]:
    codes = cmap(path)
    return {c for c in text if ord(c) not in codes and c not in "\n\t"}

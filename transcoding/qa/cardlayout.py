"""Text layout for 1080×1080 cards: word wrapping with mixed bold/regular words, font-size fitting and
pagination onto continuation cards. Pure geometry (Pillow fonts only measure here); cards.py draws.

Every coordinate is the top-left of the text's ascender box (Pillow anchor "la"); the tests check each
line's real ink box against the safe area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from PIL import ImageFont

from transcoding.fonts import font_path
from transcoding.qa.glyphs import drawable

SIZE = 1080
MARGIN = 72
SAFE = (MARGIN, MARGIN, SIZE - MARGIN, SIZE - MARGIN)
WIDTH = SAFE[2] - SAFE[0]
KERN_SLACK = 6

Colour = tuple[int, int, int]


@cache
def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(weight)), size)


@cache
def line_height(weight: str, size: int, spacing: float = 1.22) -> int:
    ascent, descent = font(weight, size).getmetrics()
    return round((ascent + descent) * spacing)


def safe_text(text: str, weight: str) -> str:
    return drawable(text, font_path(weight))


@dataclass(frozen=True)
class Word:
    text: str
    weight: str = "regular"
    colour: Colour = (33, 37, 41)


@dataclass
class Segment:
    x: int
    y: int
    text: str
    weight: str
    size: int
    colour: Colour


@dataclass
class Line:
    height: int
    segments: list[Segment] = field(default_factory=list)  # y relative to the line top
    gap_before: int = 0


@dataclass(frozen=True)
class Block:
    """A paragraph to wrap: words, a role deciding its size, optional hanging marker (list/choice)."""

    words: tuple[Word, ...]
    role: str  # "question" | "body" | "title" | "small" | "label" | "org"
    marker: Word | None = None
    gap: float = 0.5  # space before, in body line heights


def words_of(text: str, weight: str = "regular", colour: Colour = (33, 37, 41)) -> tuple[Word, ...]:
    return tuple(Word(safe_text(w, weight), weight, colour) for w in text.split())


@lru_cache(maxsize=200_000)
def text_width(text: str, weight: str, size: int) -> float:
    """Advance width; cached because the same words recur across items, sizes and fitting attempts."""
    return font(weight, size).getlength(text)


def _measure(word: Word, size: int) -> float:
    return text_width(word.text, word.weight, size)


def _split_long(word: Word, size: int, width: float) -> list[Word]:
    """A word wider than the line (a long URL) is cut into pieces that each fit."""
    pieces: list[Word] = []
    current = ""
    for char in word.text:
        if current and _measure(Word(current + char, word.weight), size) > width:
            pieces.append(Word(current, word.weight, word.colour))
            current = ""
        current += char
    return [*pieces, Word(current, word.weight, word.colour)] if current else pieces


def wrap(words: Sequence[Word], size: int, width: float) -> list[list[tuple[Word, float]]]:
    """Greedy wrapping; each placed word comes with its x offset."""
    lines: list[list[tuple[Word, float]]] = [[]]
    x = 0.0
    for original in words:
        for word in _split_long(original, size, width) if _measure(original, size) > width else [original]:
            space = text_width(" ", word.weight, size) if lines[-1] else 0.0
            advance = _measure(word, size)
            if lines[-1] and x + space + advance > width:
                lines.append([])
                x, space = 0.0, 0.0
            lines[-1].append((word, x + space))
            x += space + advance
    return [line for line in lines if line]


def layout_block(block: Block, size: int, x0: int, width: int, body_line: int) -> list[Line]:
    weight = block.words[0].weight if block.words else "regular"
    height = line_height(weight, size)
    indent = 0
    if block.marker is not None:
        indent = round(font(block.marker.weight, size).getlength(block.marker.text + "  "))
    out: list[Line] = []
    for number, placed in enumerate(wrap(block.words, size, width - indent - KERN_SLACK)):
        line = Line(height=height, gap_before=round(block.gap * body_line) if number == 0 else 0)
        if number == 0 and block.marker is not None:
            m = block.marker
            line.segments.append(Segment(x0, 0, m.text, m.weight, size, m.colour))
        line.segments.extend(_runs(placed, round(x0 + indent), size))
        out.append(line)
    return out


def _runs(placed: list[tuple[Word, float]], x0: int, size: int) -> list[Segment]:
    """Joins neighbouring words of one style into one segment: one draw call per run, not per word.
    (wrap() leaves KERN_SLACK spare pixels for the tiny width change kerning across a space may cause.)"""
    runs: list[Segment] = []
    for word, dx in placed:
        last = runs[-1] if runs else None
        if last is not None and (last.weight, last.colour) == (word.weight, word.colour):
            last.text += " " + word.text
        else:
            runs.append(Segment(round(x0 + dx), 0, word.text, word.weight, size, word.colour))
    return runs


def ellipsize(lines: list[Line], limit: int, width: int, x0: int) -> list[Line]:
    """Keeps `limit` lines; the last one ends with "…" and still fits."""
    if len(lines) <= limit:
        return lines
    kept, last = lines[:limit], lines[limit - 1]
    while last.segments:
        tail = last.segments[-1]
        candidate = tail.text + "…"
        end = tail.x + font(tail.weight, tail.size).getlength(candidate)
        if end <= x0 + width:
            tail.text = candidate
            break
        if len(tail.text) > 1:
            tail.text = tail.text[:-1]
        else:
            last.segments.pop()
    return kept


def stack(lines: Sequence[Line], top: int) -> tuple[list[Segment], int]:
    """Places lines downward from `top`; returns absolute segments and the y after the last line."""
    y = top
    placed: list[Segment] = []
    for index, line in enumerate(lines):
        if index:
            y += line.gap_before
        placed.extend(Segment(s.x, y + s.y, s.text, s.weight, s.size, s.colour) for s in line.segments)
        y += line.height
    return placed, y


def total_height(lines: Sequence[Line]) -> int:
    return sum(line.height for line in lines) + sum(line.gap_before for line in lines[1:])


def paginate(lines: Sequence[Line], capacity: int) -> list[list[Line]]:
    """Fills pages in order; a gap is dropped at the top of a page."""
    pages: list[list[Line]] = [[]]
    used = 0
    for line in lines:
        need = line.height + (line.gap_before if pages[-1] else 0)
        if pages[-1] and used + need > capacity:
            pages.append([])
            used, need = 0, line.height
        pages[-1].append(line)
        used += need
    return pages

"""Answer rich text: paragraphs and bullet/numbered lists of spans that may be bold, italic or a link.

The structure (not HTML) is the source of truth, so nothing unsafe can be stored: HTML coming in goes
through an allow-list parser (`from_html`), HTML going out is built and escaped here (`to_html`).
Every constructor canonicalises (NFC, whitespace, merged spans) so equal content compares equal
whatever format it came from — the import/export round trip relies on that.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from transcoding.qa.text import clean_inline

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_href(href: str | None) -> str | None:
    """The link target if it is an absolute http(s)/mailto URL, else None (the text stays, the link goes)."""
    if not href:
        return None
    href = clean_inline(href).strip().replace(" ", "%20")
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or (parts.scheme.lower() != "mailto" and not parts.netloc):
        return None
    return href


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None

    @property
    def style(self) -> tuple[bool, bool, str | None]:
        return (self.bold, self.italic, self.href)

    @property
    def formatted(self) -> bool:
        return self.bold or self.italic or self.href is not None


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Span, ...], ...]


Block = Paragraph | ListBlock


def _split_edges(span: Span) -> list[Span]:
    """Moves edge spaces out of a formatted span so `**a **b` and `**a** b` end up identical."""
    if not span.formatted:
        return [span]
    core = span.text.strip(" ")
    if not core:
        return [Span(" ")] if span.text else []
    out = [Span(" ")] if span.text.startswith(" ") else []
    out.append(Span(core, span.bold, span.italic, span.href))
    if span.text.endswith(" "):
        out.append(Span(" "))
    return out


def normalise_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    runs: list[Span] = []
    for span in spans:
        span = Span(clean_inline(span.text), span.bold, span.italic, safe_href(span.href))
        if runs and runs[-1].style == span.style:
            span = Span(clean_inline(runs.pop().text + span.text), span.bold, span.italic, span.href)
        if span.text:
            runs.append(span)
    pieces = [piece for run in runs for piece in _split_edges(run)]
    merged: list[Span] = []
    for span in pieces:
        text = span.text
        if not merged:
            text = text.lstrip(" ")
        elif merged[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not text:
            continue
        if merged and merged[-1].style == span.style:
            last = merged.pop()
            text = last.text + text
        merged.append(Span(text, span.bold, span.italic, span.href))
    while merged and merged[-1].text.endswith(" "):
        last = merged.pop()
        if last.text.rstrip(" "):
            merged.append(Span(last.text.rstrip(" "), last.bold, last.italic, last.href))
    return tuple(merged)


def spans_text(spans: Sequence[Span]) -> str:
    return "".join(span.text for span in spans)


@dataclass(frozen=True)
class RichText:
    blocks: tuple[Block, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", _normalise_blocks(self.blocks))

    # constructors -----------------------------------------------------------------------------
    @classmethod
    def from_plain(cls, text: str) -> RichText:
        """Each non-empty line becomes a paragraph (how people type answers into a spreadsheet cell)."""
        return cls(tuple(Paragraph((Span(line),)) for line in text.splitlines()))

    @classmethod
    def from_html(cls, markup: str) -> RichText:
        from transcoding.qa.htmlparse import parse_html

        return cls(parse_html(markup))

    @classmethod
    def from_markdown(cls, source: str) -> RichText:
        from transcoding.qa.markdown import parse_blocks

        return cls(parse_blocks(source))

    @classmethod
    def from_json(cls, data: Any) -> RichText:
        """Accepts our block JSON, an HTML string (what the JSON export writes) or None."""
        if data is None:
            return cls()
        if isinstance(data, str):
            return cls.from_html(data)
        raise ValueError("answer must be an HTML string")

    # renderings -------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self.blocks

    def to_plain_text(self) -> str:
        """Text for search and for plain exports: paragraphs and list items one per line."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(spans_text(block.spans))
            else:
                for number, item in enumerate(block.items, 1):
                    marker = f"{number}." if block.ordered else "-"
                    lines.append(f"{marker} {spans_text(item)}")
        return "\n".join(lines)

    def to_html(self) -> str:
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(f"<p>{spans_html(block.spans)}</p>")
            else:
                tag = "ol" if block.ordered else "ul"
                items = "".join(f"<li>{spans_html(item)}</li>" for item in block.items)
                parts.append(f"<{tag}>{items}</{tag}>")
        return "".join(parts)

    def to_markdown(self) -> str:
        from transcoding.qa.markdown import render_blocks

        return render_blocks(self.blocks)


def spans_html(spans: Sequence[Span]) -> str:
    out: list[str] = []
    for span in spans:
        text = html.escape(span.text, quote=False)
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.href:
            text = f'<a href="{html.escape(span.href, quote=True)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _normalise_blocks(blocks: Iterable[Block]) -> tuple[Block, ...]:
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            spans = normalise_spans(block.spans)
            if spans:
                out.append(Paragraph(spans))
            continue
        items = tuple(s for s in (normalise_spans(item) for item in block.items) if s)
        if not items:
            continue
        if out and isinstance(out[-1], ListBlock) and out[-1].ordered == block.ordered:
            previous = out.pop()
            assert isinstance(previous, ListBlock)
            items = previous.items + items
        out.append(ListBlock(block.ordered, items))
    return tuple(out)

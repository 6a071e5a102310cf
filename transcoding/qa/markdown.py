"""A deliberately small Markdown dialect for answers: paragraphs (one per line), `-`/`+`/`*`/`•` and
`1.` lists, `**bold**`, `*italic*`/`_italic_`, `[text](url)` and backslash escapes. Used for answers in
CSV/XLSX cells and Markdown files; the writer escapes whatever the reader would misread."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transcoding.qa.patterns import escape_structural
from transcoding.qa.richtext import Block, ListBlock, Paragraph, Span, spans_text

BULLET = re.compile(r"^\s{0,3}([-+*•])\s+")
ORDERED = re.compile(r"^\s{0,3}(\d{1,4})[.)]\s+")
_ESCAPED = "\\*_[]`"


@dataclass
class _Tok:
    kind: str  # "text", "**", "*", "_", "[", "]("
    text: str
    url: str = ""
    opens: bool = False
    closes: bool = False
    partner: int = -1


def _tokenise(source: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        before = source[i - 1] if i else " "
        if char == "\\" and i + 1 < n and not source[i + 1].isalnum() and not source[i + 1].isspace():
            toks.append(_Tok("text", source[i + 1]))
            i += 2
            continue
        if char in "*_":
            width = 2 if char == "*" and source[i + 1 : i + 2] == "*" else 1
            after = source[i + width] if i + width < n else " "
            tok = _Tok(char * width, char * width, opens=not after.isspace(), closes=not before.isspace())
            if char == "_":
                tok.opens = tok.opens and not before.isalnum()
                tok.closes = tok.closes and not after.isalnum()
            toks.append(tok)
            i += width
            continue
        if char == "[":
            toks.append(_Tok("[", "["))
        elif char == "]" and source[i + 1 : i + 2] == "(":
            end, url = _link_target(source, i + 2)
            if end > 0:
                toks.append(_Tok("](", source[i : end + 1], url=url))
                i = end + 1
                continue
            toks.append(_Tok("text", char))
        else:
            toks.append(_Tok("text", char))
        i += 1
    return toks


def _link_target(source: str, start: int) -> tuple[int, str]:
    """(index of the closing parenthesis, URL with backslash escapes resolved) or (-1, "")."""
    url: list[str] = []
    j = start
    while j < len(source):
        char = source[j]
        if char == "\\" and j + 1 < len(source) and not source[j + 1].isalnum():
            url.append(source[j + 1])
            j += 2
            continue
        if char == ")":
            return j, "".join(url)
        if char.isspace():
            break
        url.append(char)
        j += 1
    return -1, ""


def _pair(toks: list[_Tok]) -> None:
    stacks: dict[str, list[int]] = {"**": [], "*": [], "_": [], "[": []}
    for index, tok in enumerate(toks):
        if tok.kind == "](":
            if stacks["["]:
                opener = stacks["["].pop()
                toks[opener].partner, tok.partner = index, opener
        elif tok.kind == "[":
            stacks["["].append(index)
        elif tok.kind in ("**", "*", "_"):
            stack = stacks[tok.kind]
            if tok.closes and stack:
                opener = stack.pop()
                toks[opener].partner, tok.partner = index, opener
            elif tok.opens:
                stack.append(index)


def parse_inline(source: str) -> tuple[Span, ...]:
    toks = _tokenise(source)
    _pair(toks)
    spans: list[Span] = []
    bold = italic = 0
    hrefs: list[str] = []
    for index, tok in enumerate(toks):
        if tok.kind == "text" or tok.partner < 0:
            span = Span(tok.text, bold > 0, italic > 0, hrefs[-1] if hrefs else None)
            if spans and spans[-1].style == span.style:  # coalesce: one span per run, not per character
                span = Span(spans.pop().text + tok.text, span.bold, span.italic, span.href)
            spans.append(span)
            continue
        opening = tok.partner > index
        step = 1 if opening else -1
        if tok.kind == "**":
            bold += step
        elif tok.kind in ("*", "_"):
            italic += step
        elif tok.kind == "[":
            hrefs.append(toks[tok.partner].url)
        elif hrefs:
            hrefs.pop()
    return tuple(spans)


def parse_blocks(source: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for line in source.splitlines():
        if not line.strip():
            continue
        bullet, ordered = BULLET.match(line), ORDERED.match(line)
        marker = bullet or ordered
        if marker:
            item = parse_inline(line[marker.end() :])
            blocks.append(ListBlock(ordered is not None, (item,)))
        elif line.startswith(("  ", "\t")) and blocks and isinstance(blocks[-1], ListBlock):
            last = blocks.pop()
            assert isinstance(last, ListBlock)
            continued = last.items[-1] + (Span(" "),) + parse_inline(line.strip())
            blocks.append(ListBlock(last.ordered, last.items[:-1] + (continued,)))
        else:
            blocks.append(Paragraph(parse_inline(line.strip())))
    return tuple(blocks)


def escape_text(text: str) -> str:
    return "".join("\\" + ch if ch in _ESCAPED else ch for ch in text)


def render_inline(spans: Sequence[Span]) -> str:
    out: list[str] = []
    for span in spans:
        text = escape_text(span.text)
        if span.italic:
            text = f"*{text}*"  # "*" (unlike "_") also works inside a word
        if span.bold:
            text = f"**{text}**"
        if span.href:
            url = "".join("\\" + ch if ch in "\\()" else ch for ch in span.href)
            text = f"[{text}]({url})"
        out.append(text)
    return "".join(out)


def render_paragraph(spans: Sequence[Span]) -> str:
    line = render_inline(spans)
    plain = spans_text(spans)
    if BULLET.match(line) or ORDERED.match(line) or line.startswith(("#", ">")):
        line = "\\" + line if not line[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", line)
    return escape_structural(line, plain)


def render_blocks(blocks: Sequence[Block]) -> str:
    chunks: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            chunks.append(render_paragraph(block.spans))
        else:
            lines = [
                f"{number}. {render_inline(item)}" if block.ordered else f"- {render_inline(item)}"
                for number, item in enumerate(block.items, 1)
            ]
            chunks.append("\n".join(lines))
    return "\n\n".join(chunks)

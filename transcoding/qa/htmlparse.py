"""Allow-list HTML reader: keeps paragraphs, lists, bold/italic and safe links; drops everything else.

Unknown tags are transparent (their text stays), script-like tags lose their content, attributes other
than a link's href are ignored, so the result can only ever render as the tiny subset in richtext.py.
"""

from __future__ import annotations

from html.parser import HTMLParser

from transcoding.qa.richtext import Block, ListBlock, Paragraph, Span, safe_href

_DROP_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "noscript", "svg", "math", "head"}
)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "tr"}
)
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        self.lists: list[bool] = []  # nesting of ordered flags; nested lists are flattened into the outer one
        self.items: list[tuple[Span, ...]] = []
        self.skip = 0
        self.bold = 0
        self.italic = 0
        self.hrefs: list[str | None] = []

    def _flush_paragraph(self) -> None:
        if self.spans:
            if self.lists:
                self.items.append(tuple(self.spans))
            else:
                self.blocks.append(Paragraph(tuple(self.spans)))
        self.spans = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self.skip += 1
        elif tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1
        elif tag == "a":
            self.hrefs.append(safe_href(dict(attrs).get("href")))
        elif tag in ("ul", "ol"):
            self._flush_paragraph()
            if not self.lists:
                self.items = []
            self.lists.append(tag == "ol")
        elif tag == "li" or (tag in _BLOCKS and not self.lists):
            self._flush_paragraph()
        elif tag == "br":
            if self.lists:
                self.spans.append(Span(" "))
            else:
                self._flush_paragraph()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
        elif tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _ITALIC:
            self.italic = max(0, self.italic - 1)
        elif tag == "a" and self.hrefs:
            self.hrefs.pop()
        elif tag == "li" or (tag in _BLOCKS and not self.lists):
            self._flush_paragraph()
        elif tag in ("ul", "ol") and self.lists:
            self._flush_paragraph()
            ordered = self.lists.pop()
            if not self.lists:
                self.blocks.append(ListBlock(ordered, tuple(self.items)))
                self.items = []

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        href = self.hrefs[-1] if self.hrefs else None
        self.spans.append(Span(data, self.bold > 0, self.italic > 0, href))

    def finish(self) -> tuple[Block, ...]:
        self.close()
        self._flush_paragraph()
        while self.lists:
            ordered = self.lists.pop()
            if not self.lists:
                self.blocks.append(ListBlock(ordered, tuple(self.items)))
        return tuple(self.blocks)


def parse_html(markup: str) -> tuple[Block, ...]:
    reader = _Reader()
    reader.feed(markup)
    return reader.finish()
